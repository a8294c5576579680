using System.Collections.Generic;

namespace SmartCardPS.Pkcs11
{
    /// <summary>A module registration to make: which library, in which config file, with which settings.</summary>
    public sealed class Pkcs11ModuleRegistration
    {
        /// <summary>The library's full path (see <see cref="Pkcs11Registry.ResolveLibrary"/>).</summary>
        public string Library { get; set; }

        /// <summary>The config file to write (see <see cref="Pkcs11Registrar.ConfigFileFor"/> and <see cref="Pkcs11Registrar.CheckConfigPath"/>).</summary>
        public string ConfigFile { get; set; }

        public int? Priority { get; set; }
        public IReadOnlyCollection<string> EnableIn { get; set; }
        public IReadOnlyCollection<string> DisableIn { get; set; }
        public bool TrustPolicy { get; set; }
        public bool Critical { get; set; }

        /// <summary>Write even when a config already registers the library, or the file exists.</summary>
        public bool Force { get; set; }

        /// <summary>Refuse any library but OpenSC's (Register-OpenScModule), so its counterpart can always remove it.</summary>
        public bool OpenScOnly { get; set; }
    }

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
