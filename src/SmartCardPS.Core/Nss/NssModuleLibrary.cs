using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SmartCardPS.OpenSc;
using SmartCardPS.Os;
using SmartCardPS.P11Kit;

namespace SmartCardPS.Nss
{
    /// <summary>
    /// The PKCS#11 library a command writes into pkcs11.txt, found the way Register-OpenScModule finds one (p11-kit's
    /// module directory, OpenSC's install places and their hint) and checked from its file, which is never loaded.
    /// </summary>
    public static class NssModuleLibrary
    {
        /// <summary>
        /// The library named by <paramref name="modulePath"/> (see <see cref="Resolve"/>); without it OpenSC's library,
        /// or p11-kit-proxy with <paramref name="p11KitProxy"/>. <see cref="NssException"/> (NotFound, NotPkcs11) when
        /// Firefox could not load it; <paramref name="paths"/> are p11-kit's (the machine's when null).
        /// </summary>
        public static string Find(string modulePath, bool p11KitProxy, Func<string, string> fullPath, Pkcs11RegistryPaths paths = null)
        {
            paths = paths ?? Pkcs11RegistryPaths.Default();
            string moduleDirectory = paths.ModuleDirectory;
            string path;
            if (modulePath != null)
            {
                path = Resolve(modulePath, fullPath, paths) ?? throw new NssException(NssFailure.NotFound, paths.LibraryNotFoundMessage(modulePath), modulePath);
            }
            else if (p11KitProxy)
            {
                path = FindP11KitProxy(moduleDirectory) ?? throw new NssException(NssFailure.NotFound,
                    "p11-kit-proxy.so was not found next to p11-kit's module directory or in the usual library directories. " +
                    "Install p11-kit (e.g. apt-get install p11-kit-modules) or give its path with -ModulePath.", null);
            }
            else
            {
                path = OpenScLibrary.Find(moduleDirectory)
                    ?? throw new NssException(NssFailure.NotFound, OpenScLibrary.NotFoundMessage(moduleDirectory), null);
            }
            string problem = NssLibraryCheck.Problem(path, out string reason);
            if (reason == NssLibraryCheck.NotFound) throw new NssException(NssFailure.NotFound, problem + ".", path);
            if (problem != null) throw new NssException(NssFailure.NotPkcs11, problem + ". Nothing was changed.", path);
            return path;
        }

        /// <summary>
        /// A -ModulePath as every registering cmdlet reads it (Register-OpenScModule's rule,
        /// <see cref="Pkcs11RegistryPaths.ResolveLibrary"/>): a bare file name is a library in p11-kit's module
        /// directory, never a file of the current location, which anyone who can write there would choose (as
        /// PowerShell runs no command from it without .\); anything else is made absolute by
        /// <paramref name="fullPath"/> (PowerShell's current location), which is asked only then, so Firefox is given
        /// a path that does not depend on its own working directory. Null for a bare name the module directory lacks.
        /// Nothing is checked or loaded.
        /// </summary>
        public static string Resolve(string modulePath, Func<string, string> fullPath, Pkcs11RegistryPaths paths = null)
        {
            if (string.IsNullOrEmpty(modulePath)) return null;
            paths = paths ?? Pkcs11RegistryPaths.Default();
            return paths.ResolveLibrary(modulePath, Pkcs11RegistryPaths.IsBareName(modulePath) ? null : fullPath(modulePath));
        }

        /// <summary>p11-kit's proxy module, through which NSS sees every module p11-kit registers.</summary>
        public static bool IsP11KitProxy(string library) =>
            library != null && Path.GetFileName(library).StartsWith("p11-kit-proxy", StringComparison.OrdinalIgnoreCase);

        /// <summary>Where p11-kit-proxy.so is installed: next to p11-kit's module directory, then the usual library
        /// directories.</summary>
        public static string FindP11KitProxy(string moduleDirectory)
        {
            var candidates = new List<string>();
            if (moduleDirectory != null) candidates.Add(Path.Combine(Path.GetDirectoryName(moduleDirectory.TrimEnd('/')) ?? "/", "p11-kit-proxy.so"));
            if (RunningOs.IsMacOS)
            {
                candidates.AddRange(new[] { "/opt/homebrew/lib/p11-kit-proxy.dylib", "/usr/local/lib/p11-kit-proxy.dylib", "/opt/homebrew/lib/p11-kit-proxy.so", "/usr/local/lib/p11-kit-proxy.so" });
            }
            else
            {
                candidates.AddRange(new[] { "/usr/lib64/p11-kit-proxy.so", "/usr/lib/p11-kit-proxy.so", "/usr/local/lib/p11-kit-proxy.so" });
            }
            return candidates.FirstOrDefault(File.Exists);
        }
    }
}
