using System.Collections.Generic;

namespace SmartCardPS.P11Kit
{
    /// <summary>A module registration to make: which library, in which config file, with which settings.</summary>
    public sealed class Pkcs11ModuleRegistration
    {
        /// <summary>The library's full path (see <see cref="Pkcs11RegistryPaths.ResolveLibrary"/>).</summary>
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
}
