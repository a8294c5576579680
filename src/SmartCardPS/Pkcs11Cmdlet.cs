using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// What the PKCS#11 cmdlets share: the p11-kit registry, turning -Module values into libraries, and
    /// loading each library so that one broken module is one error while the others still answer.
    /// Every library loaded is finalized before the cmdlet returns: at the end of the pipeline, or in Dispose
    /// when it stopped early (not in StopProcessing, which runs while a call may still be in the library).
    /// </summary>
    public abstract class Pkcs11Cmdlet : SmartCardCmdlet, IDisposable
    {
        private Pkcs11Registry registry;
        private readonly Dictionary<string, Pkcs11Library> loaded = new Dictionary<string, Pkcs11Library>(StringComparer.Ordinal);
        private readonly HashSet<string> failed = new HashSet<string>(StringComparer.Ordinal);

        protected Pkcs11Registry Registry
        {
            get
            {
                if (registry == null)
                {
                    registry = Pkcs11Registry.Load();
                    foreach (string warning in registry.Warnings) WriteWarning("p11-kit config: " + warning);
                }
                return registry;
            }
        }

        /// <summary>
        /// -Module values as modules: a registered name, else a library path (relative to the current
        /// location, or a bare file name in p11-kit's module directory, as p11-kit resolves module:).
        /// </summary>
        protected List<Pkcs11Module> ResolveModules(IEnumerable<string> values)
        {
            var result = new List<Pkcs11Module>();
            foreach (string value in values)
            {
                Pkcs11Module byName = Registry.Modules.FirstOrDefault(m => string.Equals(m.Name, value, StringComparison.Ordinal));
                if (byName != null)
                {
                    result.Add(byName);
                    continue;
                }
                string path = ResolveLibraryPath(value);
                if (path == null)
                {
                    WriteError(NewError(
                        new ItemNotFoundException($"'{value}' is neither a registered PKCS#11 module nor a library file. Run Get-Pkcs11Module to list the registered modules."),
                        "ModuleNotFound", ErrorCategory.ObjectNotFound, value));
                    continue;
                }
                Pkcs11Module registered = Registry.Modules.FirstOrDefault(m => m.Path != null && SamePath(m.Path, path));
                result.Add(registered ?? new Pkcs11Module { Name = Path.GetFileName(path), Path = path, ModuleSetting = value, Enabled = true });
            }
            // A module named twice (by name and by path) is listed once.
            return result.GroupBy(m => m.Path ?? m.Name).Select(g => g.First()).ToList();
        }

        private string ResolveLibraryPath(string value)
        {
            bool hasDirectory = value.IndexOfAny(new[] { '/', '\\' }) >= 0;
            string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(value);
            if (hasDirectory || File.Exists(full)) return full;
            string inModuleDir = Registry.ResolveModulePath(value);
            return inModuleDir != null && File.Exists(inModuleDir) ? inModuleDir : null;
        }

        /// <summary>The config directory of a scope; without -Scope, System for root and User otherwise.</summary>
        protected string ConfigDirectory(Pkcs11ConfigScope? scope)
        {
            var effective = scope ?? (UnixFile.IsRoot() ? Pkcs11ConfigScope.System : Pkcs11ConfigScope.User);
            return effective == Pkcs11ConfigScope.System ? Registry.Paths.SystemModuleDirectory : Registry.Paths.UserModuleDirectory;
        }

        internal static bool SamePath(string a, string b) =>
            string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), UnixFile.IsUnix ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// The module's library, loaded and initialized once per cmdlet run; null (with the error written)
        /// when it cannot be used.
        /// </summary>
        protected Pkcs11Library Open(Pkcs11Module module)
        {
            string key = module.Path ?? module.Name;
            if (loaded.TryGetValue(key, out Pkcs11Library library)) return library;
            if (failed.Contains(key)) return null;
            try
            {
                library = Pkcs11Library.Load(module.Path, module.Name, module.ConfigFile);
                loaded[key] = library;
                return library;
            }
            catch (Pkcs11ModuleException ex)
            {
                failed.Add(key);
                WriteModuleError(ex, module);
                return null;
            }
        }

        /// <summary>A module failing after it loaded: reported once, and the module is not asked again.</summary>
        protected void WriteModuleError(Pkcs11ModuleException ex, Pkcs11Module module)
        {
            failed.Add(module.Path ?? module.Name);
            WriteError(NewError(ex, "ModuleLoadFailed", CategoryOf(ex.Kind), module));
        }

        protected static ErrorCategory CategoryOf(Pkcs11FailureKind kind)
        {
            switch (kind)
            {
                case Pkcs11FailureKind.NotFound: return ErrorCategory.ObjectNotFound;
                case Pkcs11FailureKind.NotLoadable:
                case Pkcs11FailureKind.NotPkcs11: return ErrorCategory.InvalidData;
                default: return ErrorCategory.DeviceError;
            }
        }

        protected override void EndProcessing() => FinalizeAll();

        public void Dispose() => FinalizeAll();

        private void FinalizeAll()
        {
            foreach (Pkcs11Library library in loaded.Values) library.Dispose();
            loaded.Clear();
        }
    }
}
