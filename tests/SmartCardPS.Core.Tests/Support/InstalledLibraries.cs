using System.IO;
using System.Linq;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Tests.Support
{
    /// <summary>Real libraries of the machine that the tests copy or read; a test skips (fails under CI) when one is missing, through Requires.</summary>
    internal static class InstalledLibraries
    {
        /// <summary>A library in p11-kit's module directory, such as p11-kit-trust.so or opensc-pkcs11.so.</summary>
        public static string InModuleDirectory(string fileName)
        {
            string path = Path.Combine(Pkcs11RegistryPaths.Default().ModuleDirectory ?? "/nonexistent", fileName);
            Requires.Dependency(File.Exists(path), path + " (apt-get install p11-kit-modules opensc-pkcs11)");
            return path;
        }

        /// <summary>A shared library that is not a PKCS#11 module, or null.</summary>
        public static string Libz() =>
            new[] { "/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/aarch64-linux-gnu/libz.so.1", "/usr/lib64/libz.so.1" }.FirstOrDefault(File.Exists);
    }
}
