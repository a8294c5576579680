using SmartCardPS.Pkcs11;

namespace SmartCardPS.P11Kit
{
    /// <summary>A checked registration, ready to write: the library answered C_GetInfo and nothing stands in the way.</summary>
    public sealed class Pkcs11RegistrationPlan
    {
        internal Pkcs11RegistrationPlan(Pkcs11ModuleRegistration request, Pkcs11LibraryInfo info, string moduleSetting, string content)
        {
            Request = request;
            Info = info;
            ModuleSetting = moduleSetting;
            Content = content;
        }

        public Pkcs11ModuleRegistration Request { get; }
        public string ConfigFile => Request.ConfigFile;
        public string Library => Request.Library;
        public Pkcs11LibraryInfo Info { get; }

        /// <summary>The module: value: a file name for a library in p11-kit's module directory, else the full path.</summary>
        public string ModuleSetting { get; }

        /// <summary>The config file's text.</summary>
        public string Content { get; }
    }
}
