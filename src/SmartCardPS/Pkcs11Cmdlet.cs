using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// What the PKCS#11 cmdlets share: the p11-kit registry, turning -Module values into libraries, and
    /// loading each library so that one broken module is one error while the others still answer.
    /// Libraries are process-wide and shared (Pkcs11Library): each run holds one reference per module and gives it
    /// up at the end of the pipeline, or in Dispose when it stopped early. StopProcessing cancels the wait for a
    /// module stuck in a call; the call keeps the library alive until it returns.
    /// </summary>
    public abstract class Pkcs11Cmdlet : SmartCardCmdlet, IDisposable
    {
        private Pkcs11Registry registry;
        private readonly Dictionary<string, Pkcs11Library> loaded = new Dictionary<string, Pkcs11Library>(StringComparer.Ordinal);
        private readonly Dictionary<string, Pkcs11ModuleException> failed = new Dictionary<string, Pkcs11ModuleException>(StringComparer.Ordinal);
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();

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
                        new ItemNotFoundException($"{UntrustedText.Quote(value)} is neither a registered PKCS#11 module nor a library file. Run Get-Pkcs11Module to list the registered modules."),
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
        /// The module's library, referenced once per cmdlet run; null when it cannot be used, with the error
        /// written (or, with <paramref name="writeError"/> false, kept for FailureOf).
        /// </summary>
        protected Pkcs11Library Open(Pkcs11Module module, bool writeError = true)
        {
            string key = module.Path ?? module.Name;
            if (loaded.TryGetValue(key, out Pkcs11Library library)) return library;
            if (failed.ContainsKey(key)) return null;
            try
            {
                library = Pkcs11Library.Load(module.Path, module.Name, module.ConfigFile, stopping.Token);
                loaded[key] = library;
                return library;
            }
            catch (Pkcs11ModuleException ex)
            {
                if (writeError) WriteModuleError(ex, module);
                else failed[key] = ex;
                return null;
            }
        }

        /// <summary>Why Open could not use the module; null when it could.</summary>
        protected Pkcs11ModuleException FailureOf(Pkcs11Module module) =>
            failed.TryGetValue(module.Path ?? module.Name, out Pkcs11ModuleException ex) ? ex : null;

        /// <summary>
        /// A module failing after it loaded: reported once, and the module is not asked again. A failure of one
        /// slot (SlotId set) is that slot's error (reason SlotFailed): the module's other slots still answer.
        /// </summary>
        protected void WriteModuleError(Pkcs11ModuleException ex, Pkcs11Module module)
        {
            if (ex.SlotId.HasValue)
            {
                WriteSlotError(ex);
                return;
            }
            failed[module.Path ?? module.Name] = ex;
            var record = NewError(ex, "ModuleLoadFailed", CategoryOf(ex.Kind), module);
            if (module.Critical)
            {
                record.ErrorDetails = new ErrorDetails(ex.Message + " " + module.CriticalFailureNote)
                {
                    RecommendedAction = $"Fix or remove the module, or set critical: no in {UntrustedText.Quote(module.ConfigFile)}.",
                };
            }
            WriteError(record);
        }

        protected void WriteSlotError(Pkcs11ModuleException ex) =>
            WriteError(NewError(ex, "SlotFailed", ErrorCategory.DeviceError, $"{ex.ModuleName}:{ex.SlotId}"));

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

        protected override void StopProcessing() => stopping.Cancel();

        public void Dispose()
        {
            FinalizeAll();
            stopping.Dispose();
        }

        private void FinalizeAll()
        {
            foreach (Pkcs11Library library in loaded.Values) library.Dispose();
            loaded.Clear();
        }
    }
}
