using System.IO;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Tests.Support
{
    /// <summary>A p11-kit registry laid out under one temporary directory, as the registry and registrar tests use it.</summary>
    internal static class TemporaryRegistryPaths
    {
        public static Pkcs11RegistryPaths Under(string root) => new Pkcs11RegistryPaths
        {
            PackageModuleDirectory = Path.Combine(root, "share", "modules"),
            SystemModuleDirectory = Path.Combine(root, "etc", "modules"),
            SystemConfigFile = Path.Combine(root, "etc", "pkcs11.conf"),
            UserModuleDirectory = Path.Combine(root, "home", "modules"),
            UserConfigFile = Path.Combine(root, "home", "pkcs11.conf"),
            ModuleDirectory = Path.Combine(root, "lib"),
            ProgramName = "pwsh",
            P11KitPresent = true,
        };
    }
}
