using System;
using System.Collections.Generic;
using System.Management.Automation;

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

        /// <summary>-Module values as modules: registered names or library files (see Pkcs11Registry.Resolve); one error per value that is neither.</summary>
        protected List<Pkcs11Module> ResolveModules(IEnumerable<string> values) => WithNotFound(notFound => Registry.Resolve(values, FullPath, notFound));

        /// <summary>The modules a pkcs11: URI's module-path or module-name selects; every enabled module when it names none.</summary>
        protected List<Pkcs11Module> ResolveModulesForUri(string modulePath, string moduleName) =>
            WithNotFound(notFound => Registry.ResolveForUri(modulePath, moduleName, FullPath, notFound));

        private List<Pkcs11Module> WithNotFound(Func<List<string>, List<Pkcs11Module>> resolve)
        {
            var notFound = new List<string>();
            List<Pkcs11Module> modules = resolve(notFound);
            foreach (string value in notFound)
            {
                WriteError(NewError(
                    new ItemNotFoundException($"'{value}' is neither a registered PKCS#11 module nor a library file. Run Get-Pkcs11Module to list the registered modules."),
                    "ModuleNotFound", ErrorCategory.ObjectNotFound, value));
            }
            return modules;
        }

        /// <summary>A path as the user typed it, made absolute against PowerShell's current location.</summary>
        protected string FullPath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

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
