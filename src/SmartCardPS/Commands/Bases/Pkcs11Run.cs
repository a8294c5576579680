using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>
    /// One cmdlet run's use of PKCS#11, composed into every cmdlet that needs it (SmartCardCmdlet.Pkcs11) instead of
    /// inherited: the p11-kit registry, turning -Module values into libraries, and loading each library so that one
    /// broken module is one error while the others still answer; the tokens of each module (Pkcs11Run.Tokens.cs) and
    /// the PIN (Pkcs11Run.Pins.cs). Libraries are process-wide and shared (Pkcs11Library): a run holds one reference
    /// per module and gives it up at the end of the pipeline, or in Dispose when it stopped early. Stop cancels the
    /// wait for a module stuck in a call; the call keeps the library alive until it returns.
    /// </summary>
    internal sealed partial class Pkcs11Run : IDisposable
    {
        private readonly SmartCardCmdlet cmdlet;
        private Pkcs11Registry registry;
        private readonly Dictionary<string, Pkcs11Library> loaded = new Dictionary<string, Pkcs11Library>(StringComparer.Ordinal);
        private readonly Dictionary<string, Pkcs11ModuleException> failed = new Dictionary<string, Pkcs11ModuleException>(StringComparer.Ordinal);
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();

        internal Pkcs11Run(SmartCardCmdlet cmdlet)
        {
            this.cmdlet = cmdlet;
        }

        internal Pkcs11Registry Registry
        {
            get
            {
                if (registry == null)
                {
                    var clock = Stopwatch.StartNew();
                    registry = Pkcs11Registry.Load();
                    string[] files = registry.Modules.SelectMany(m => m.ConfigFiles).Distinct().ToArray();
                    cmdlet.WriteVerbose($"Read p11-kit's module registry in {Ms(clock.Elapsed)}: {registry.Modules.Count} module(s) from {files.Length} config file(s){(files.Length > 0 ? ": " + string.Join(", ", files.Select(UntrustedText.Quote)) : "")}.");
                    foreach (string warning in registry.Warnings) cmdlet.WriteWarning("p11-kit config: " + warning);
                }
                return registry;
            }
        }

        /// <summary>
        /// -Module values as modules: registered names or library files (see Pkcs11Registry.Resolve); one error per
        /// value that is neither.
        /// </summary>
        internal List<Pkcs11Module> ResolveModules(IEnumerable<string> values) => WithNotFound(notFound => Registry.Resolve(values, FullPath, notFound));

        /// <summary>
        /// The modules a pkcs11: URI's module-path or module-name selects; every enabled module when it names none.
        /// </summary>
        internal List<Pkcs11Module> ResolveModulesForUri(string modulePath, string moduleName) =>
            WithNotFound(notFound => Registry.ResolveForUri(modulePath, moduleName, FullPath, notFound));

        private List<Pkcs11Module> WithNotFound(Func<List<string>, List<Pkcs11Module>> resolve)
        {
            var notFound = new List<string>();
            List<Pkcs11Module> modules = resolve(notFound);
            foreach (string value in notFound)
            {
                cmdlet.WriteError(cmdlet.NewError(
                    new ItemNotFoundException($"{UntrustedText.Quote(value)} is neither a registered PKCS#11 module nor a library file. Run Get-Pkcs11Module to list the registered modules."),
                    "ModuleNotFound", ErrorCategory.ObjectNotFound, value));
            }
            return modules;
        }

        /// <summary>A path as the user typed it, made absolute against PowerShell's current location.</summary>
        internal string FullPath(string path) => cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

        /// <summary>
        /// The module's library, referenced once per cmdlet run; null when it cannot be used, with the error written
        /// (or, with <paramref name="writeError"/> false, kept for FailureOf).
        /// </summary>
        internal Pkcs11Library Open(Pkcs11Module module, bool writeError = true)
        {
            string key = module.Path ?? module.Name;
            if (loaded.TryGetValue(key, out Pkcs11Library library)) return library;
            if (failed.ContainsKey(key)) return null;
            Progress($"Loading {UntrustedText.Quote(module.Path ?? module.Name)}");
            cmdlet.WriteVerbose($"Loading the library {UntrustedText.Quote(module.Path)} of module {UntrustedText.Quote(module.Name)}{(module.ConfigFile != null ? " (" + UntrustedText.Quote(module.ConfigFile) + ")" : "")}.");
            var clock = Stopwatch.StartNew();
            try
            {
                library = Pkcs11Library.Load(module.Path, module.Name, module.ConfigFile, stopping.Token);
                cmdlet.WriteVerbose($"Loaded and initialised {UntrustedText.Quote(module.Path)} in {Ms(clock.Elapsed)}.");
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
        internal Pkcs11ModuleException FailureOf(Pkcs11Module module) =>
            failed.TryGetValue(module.Path ?? module.Name, out Pkcs11ModuleException ex) ? ex : null;

        /// <summary>
        /// A module failing after it loaded: reported once, and the module is not asked again. A failure of one slot
        /// (SlotId set) is that slot's error (reason SlotFailed): the module's other slots still answer.
        /// </summary>
        internal void WriteModuleError(Pkcs11ModuleException ex, Pkcs11Module module)
        {
            if (ex.SlotId.HasValue)
            {
                WriteSlotError(ex);
                return;
            }
            failed[module.Path ?? module.Name] = ex;
            var record = cmdlet.NewError(ex, "ModuleLoadFailed", SmartCardCmdlet.CategoryOf(ex.Kind), module);
            if (module.Critical)
            {
                record.ErrorDetails = new ErrorDetails(ex.Message + " " + module.CriticalFailureNote)
                {
                    RecommendedAction = $"Fix or remove the module, or set critical: no in {UntrustedText.Quote(module.ConfigFile)}.",
                };
            }
            cmdlet.WriteError(record);
        }

        internal void WriteSlotError(Pkcs11ModuleException ex) =>
            cmdlet.WriteError(cmdlet.NewError(ex, "SlotFailed", ErrorCategory.DeviceError, $"{ex.ModuleName}:{ex.SlotId}"));

        /// <summary>The end of the pipeline: the libraries are given up and the progress bar, if shown, goes.</summary>
        internal void End()
        {
            FinalizeAll();
            if (progressShown) cmdlet.WriteProgress(new ProgressRecord(ProgressId, Activity, "Done") { RecordType = ProgressRecordType.Completed });
        }

        private const int ProgressId = 0x11;
        private readonly Stopwatch runClock = Stopwatch.StartNew();
        private static readonly TimeSpan ProgressAfter = TimeSpan.FromSeconds(1);
        private bool progressShown;
        private string modulePosition = string.Empty;
        private int modulePercent = -1;

        private string Activity => cmdlet.MyInvocation?.MyCommand?.Name ?? "PKCS#11";

        private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0} ms";

        /// <summary>
        /// The modules in order, each announced to progress ("module 2 of 3") before the caller works on it: the one
        /// loop over modules that every PKCS#11 cmdlet uses.
        /// </summary>
        internal IEnumerable<Pkcs11Module> EachModule(IEnumerable<Pkcs11Module> modules)
        {
            var list = modules.ToList();
            for (int i = 0; i < list.Count; i++)
            {
                modulePosition = $"Module {UntrustedText.Quote(list[i].Name)} ({i + 1} of {list.Count})";
                modulePercent = Math.Min(100, i * 100 / list.Count);
                yield return list[i];
            }
        }

        /// <summary>
        /// Progress, once the run has taken more than about a second: a quick listing shows none, a module that probes
        /// cards for seconds shows which module and slot it is at.
        /// </summary>
        internal void Progress(string status, int percent = -1)
        {
            if (runClock.Elapsed < ProgressAfter) return;
            progressShown = true;
            string text = modulePosition.Length > 0 ? modulePosition + ": " + status : status;
            cmdlet.WriteProgress(new ProgressRecord(ProgressId, Activity, text) { PercentComplete = percent >= 0 ? percent : modulePercent });
        }

        /// <summary>-Verbose and progress for each slot of <paramref name="module"/> that GetTokens reads.</summary>
        internal Action<Pkcs11SlotProbe> SlotProbing(Pkcs11Module module) => probe =>
        {
            if (probe.Elapsed == null)
            {
                cmdlet.WriteVerbose($"Probing slot {probe.SlotId} ({probe.Index} of {probe.Count}) of module {UntrustedText.Quote(module.Name)}.");
                Progress($"probing slot {probe.SlotId} ({probe.Index} of {probe.Count})");
            }
            else
            {
                cmdlet.WriteVerbose($"Read slot {probe.SlotId} of module {UntrustedText.Quote(module.Name)} in {Ms(probe.Elapsed.Value)}.");
            }
        };

        internal void Stop() => stopping.Cancel();

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
