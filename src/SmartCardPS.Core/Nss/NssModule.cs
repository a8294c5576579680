
namespace SmartCardPS.Nss
{
    /// <summary>One PKCS#11 module of an NSS sql: database (a stanza of its pkcs11.txt), as NSS reads it.</summary>
    public sealed class NssModule
    {
        /// <summary>The module name (name=), as Firefox's Security Devices dialog and modutil -list show it.</summary>
        public string Name { get; set; }

        /// <summary>The PKCS#11 library (library=); empty for NSS's internal module.</summary>
        public string Library { get; set; }

        /// <summary>The string passed to the library in C_Initialize (parameters=).</summary>
        public string Parameters { get; set; }

        /// <summary>NSS's own flags (the Flags= of NSS=): internal, critical, fips, moduleDB, trusted, …</summary>
        public string[] Flags { get; set; } = new string[0];

        /// <summary>NSS's internal softoken module, which NSS always loads first.</summary>
        public bool IsInternal { get; set; }

        /// <summary>The database directory whose pkcs11.txt holds the module.</summary>
        public string Database { get; set; }

        /// <summary>The module spec string NSS builds from the stanza, as modutil -rawlist prints it.</summary>
        public string ModuleSpec { get; set; }

        public override string ToString() => Name;
    }
}
