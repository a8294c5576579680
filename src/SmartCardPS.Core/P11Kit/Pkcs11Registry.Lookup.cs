using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SmartCardPS.Os;

namespace SmartCardPS.P11Kit
{
    /// <summary>Finding modules and registrations in the registry from what a user typed.</summary>
    public sealed partial class Pkcs11Registry
    {
        /// <summary>The library a user names (see <see cref="Pkcs11RegistryPaths.ResolveLibrary"/>).</summary>
        public string ResolveLibrary(string value, string fullPath) => Paths.ResolveLibrary(value, fullPath);

        /// <summary>
        /// Modules by registered name or by library (<see cref="ResolveLibrary"/>): a library that is registered is
        /// that module, any other is a module of its own named after the file. A module named twice (by name and by
        /// path) is returned once; values that are neither go to <paramref name="notFound"/>.
        /// </summary>
        public List<Pkcs11Module> Resolve(IEnumerable<string> values, Func<string, string> fullPath, ICollection<string> notFound)
        {
            var result = new List<Pkcs11Module>();
            foreach (string value in values)
            {
                Pkcs11Module module = Modules.FirstOrDefault(m => string.Equals(m.Name, value, StringComparison.Ordinal));
                if (module == null)
                {
                    string path = ResolveLibrary(value, fullPath(value));
                    if (path == null)
                    {
                        notFound.Add(value);
                        continue;
                    }
                    module = Modules.FirstOrDefault(m => m.Path != null && PathComparison.Same(m.Path, path))
                        ?? Modules.FirstOrDefault(m => m.Path != null && File.Exists(m.Path) && PathComparison.SameFile(m.Path, path))
                        ?? new Pkcs11Module { Name = System.IO.Path.GetFileName(path), Path = path, ModuleSetting = value, Enabled = true };
                }
                result.Add(module);
            }
            // One library is loaded once however it is named (see Pkcs11Library.Open), so it is listed once too.
            var names = new HashSet<string>(StringComparer.Ordinal);
            var files = new HashSet<string>(PathComparison.Comparer);
            return result.Where(m => m.Path == null ? names.Add(m.Name) : files.Add(PathComparison.Canonical(m.Path))).ToList();
        }

        /// <summary>The modules a pkcs11: URI selects: its module-path, else its module-name, else every enabled module.</summary>
        public List<Pkcs11Module> ResolveForUri(string modulePath, string moduleName, Func<string, string> fullPath, ICollection<string> notFound)
        {
            string value = modulePath ?? moduleName;
            return value != null ? Resolve(new[] { value }, fullPath, notFound) : EnabledModules.ToList();
        }

        /// <summary>
        /// A config that p11-kit reads for this user (enabled in this program or not) and that registers this library
        /// (by any link to it); null when none does. A config p11-kit never reads here (a user config with
        /// user-config: none, P11_KIT_NO_USER_CONFIG, or as root) registers nothing, so it does not block a registration.
        /// </summary>
        public Pkcs11Module FindRegistration(string library) =>
            ReadConfigs().FirstOrDefault(m => m.Path != null && File.Exists(m.Path) && PathComparison.SameFile(m.Path, library));

        /// <summary>Whether the file lies directly in the package, system or user config directory.</summary>
        public bool IsInConfigDirectory(string file) => Locations(includeUser: true).Any(l => PathComparison.IsDirectlyIn(file, l.Dir));
    }
}
