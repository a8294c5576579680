using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Registers OpenSC's PKCS#11 library with p11-kit, so GnuTLS, p11tool, NSS-via-p11-kit and other p11-kit users find smart cards.</para>
    /// <para type="description">Does what the ArchWiki recipe does by hand: writes a p11-kit module config (module: opensc-pkcs11.so) for OpenSC's PKCS#11 library. Without -ModulePath it finds the platform's library (opensc-pkcs11.so in p11-kit's module directory on Linux, the usual install paths on macOS and Windows). The config goes to the system config directory (-Scope System, the default for root), to the user's (-Scope User, the default otherwise; p11-kit ignores it for root), or exactly to -Path, such as /usr/share/p11-kit/modules/opensc.module. When any config, under any name and in any location, already registers the same library, that registration is reported as an error and nothing changes, unless -Force. Otherwise the library is first loaded and asked C_GetInfo, and anything that is not a working PKCS#11 module is refused. The file is written atomically (a temporary file in the same directory, then renamed) with mode 0644, creating missing directories with mode 0755; a failure leaves nothing behind, and permission denied says to use -Scope User or run elevated. Emits the registered module.</para>
    /// </summary>
    /// <example>
    /// <code>Register-OpenScModule -WhatIf</code>
    /// <para>Shows which library would be registered and where, without writing anything.</para>
    /// </example>
    /// <example>
    /// <code>sudo pwsh -c 'Register-OpenScModule -Path /usr/share/p11-kit/modules/opensc.module'</code>
    /// <para>The ArchWiki recipe: creates opensc.module in p11-kit's package module directory.</para>
    /// </example>
    /// <example>
    /// <code>Register-OpenScModule -Scope User -Priority 10 -DisableIn firefox</code>
    /// <para>Registers OpenSC for the current user only, loaded before other modules, and not in Firefox.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Register, "OpenScModule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(Pkcs11Module))]
    public sealed class RegisterOpenScModuleCommand : Pkcs11Cmdlet
    {
        /// <summary>
        /// <para type="description">The OpenSC PKCS#11 library to register: a path, or a file name in p11-kit's module directory. Without it the platform's usual location is used.</para>
        /// </summary>
        [Parameter(Position = 0, HelpMessage = "The OpenSC PKCS#11 library; by default the platform's usual location.")]
        [ValidateNotNullOrEmpty]
        public string ModulePath { get; set; }

        /// <summary>
        /// <para type="description">The module name, which is the config file name without .module (default: opensc). Ignored with -Path, whose file name gives the name.</para>
        /// </summary>
        [Parameter(HelpMessage = "The module name (the config file name without .module).")]
        [ValidatePattern(@"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
        public string Name { get; set; } = "opensc";

        /// <summary>
        /// <para type="description">System writes to the system config directory (/etc/pkcs11/modules) for every user; User writes to ~/.config/pkcs11/modules for the current user. The default is System for root and User otherwise.</para>
        /// </summary>
        [Parameter(HelpMessage = "System or User.")]
        public Pkcs11ConfigScope Scope { get; set; }

        /// <summary>
        /// <para type="description">The exact config file to write, e.g. /usr/share/p11-kit/modules/opensc.module; overrides -Scope and -Name. p11-kit only reads files named like name.module.</para>
        /// </summary>
        [Parameter(HelpMessage = "The exact config file to write.")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>
        /// <para type="description">The priority: setting; p11-kit loads modules with higher priority first.</para>
        /// </summary>
        [Parameter(HelpMessage = "The priority: setting.")]
        public int Priority { get; set; }

        /// <summary>
        /// <para type="description">Programs (by executable name) in which alone the module is loaded (enable-in:).</para>
        /// </summary>
        [Parameter(HelpMessage = "Programs in which alone the module is loaded.")]
        [ValidateNotNullOrEmpty]
        public string[] EnableIn { get; set; }

        /// <summary>
        /// <para type="description">Programs (by executable name) in which the module is not loaded (disable-in:).</para>
        /// </summary>
        [Parameter(HelpMessage = "Programs in which the module is not loaded.")]
        [ValidateNotNullOrEmpty]
        public string[] DisableIn { get; set; }

        /// <summary>
        /// <para type="description">Writes the config even when another config already registers the library, or the file exists.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            string library = FindLibrary();
            if (library == null) return;

            string target = TargetFile();
            Pkcs11Module existing = Registry.AllConfigs()
                .FirstOrDefault(m => m.Path != null && File.Exists(m.Path) && SamePath(m.Path, library));
            if (existing == null && File.Exists(target)) existing = Registry.ReadConfig(target, out _) ?? new Pkcs11Module { Name = target, ConfigFile = target };
            if (existing != null && !Force)
            {
                bool same = existing.Path != null && SamePath(existing.Path, library);
                string message = same
                    ? $"'{library}' is already registered as module '{existing.Name}' in {existing.ConfigFile}; nothing was changed. Use -Force to write {target} anyway."
                    : $"{target} already exists and registers '{existing.ModuleSetting}'; nothing was changed. Use -Force to replace it.";
                WriteError(NewError(new InvalidOperationException(message), same ? "AlreadyRegistered" : "FileExists", ErrorCategory.ResourceExists, existing));
                return;
            }
            // After the registration check, so a repeated run neither loads the library nor changes anything.
            Pkcs11Module info = Probe(library);
            if (info == null) return;

            string setting = ModuleSetting(library);
            string content = Pkcs11ConfigWriter.Render(setting, MyInvocation.BoundParameters.ContainsKey(nameof(Priority)) ? Priority : (int?)null, EnableIn, DisableIn);
            if (!ShouldProcess(target, $"Register the OpenSC PKCS#11 module '{library}' (module: {setting})")) return;
            try
            {
                Pkcs11ConfigWriter.WriteAtomic(target, content);
            }
            catch (UnauthorizedAccessException ex)
            {
                WriteError(NewError(new UnauthorizedAccessException(
                    $"Permission denied writing {target}: use -Scope User to register OpenSC for yourself, or run elevated (sudo) for the system.", ex),
                    "PermissionDenied", ErrorCategory.PermissionDenied, target));
                return;
            }
            catch (IOException ex)
            {
                WriteError(NewError(ex, "WriteFailed", ErrorCategory.WriteError, target));
                return;
            }
            WriteObject(Registered(target, info));
        }

        private string FindLibrary()
        {
            if (ModulePath == null)
            {
                string found = OpenScLibrary.Find(Registry.Paths.ModuleDirectory);
                if (found != null) return found;
                WriteError(NewError(new ItemNotFoundException(
                    "OpenSC's PKCS#11 library was not found in " + string.Join(", ", OpenScLibrary.Candidates(Registry.Paths.ModuleDirectory)) +
                    ". Install OpenSC (e.g. apt-get install opensc-pkcs11) or give its path with -ModulePath."),
                    "NotFound", ErrorCategory.ObjectNotFound, null));
                return null;
            }
            bool bare = ModulePath.IndexOfAny(new[] { '/', '\\' }) < 0;
            string path = bare && Registry.Paths.ModuleDirectory != null
                ? Registry.ResolveModulePath(ModulePath)
                : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ModulePath);
            return path;
        }

        /// <summary>Only a working PKCS#11 module is registered: a bad config would break every p11-kit user.</summary>
        private Pkcs11Module Probe(string library)
        {
            try
            {
                using (var lib = Pkcs11Library.Load(library))
                {
                    return lib.GetInfo();
                }
            }
            catch (Pkcs11ModuleException ex)
            {
                string reason = ex.Kind == Pkcs11FailureKind.NotFound ? "NotFound" : "NotPkcs11";
                WriteError(NewError(ex, reason, CategoryOf(ex.Kind), library));
                return null;
            }
        }

        private string TargetFile()
        {
            if (Path != null) return SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            return System.IO.Path.Combine(ConfigDirectory(MyInvocation.BoundParameters.ContainsKey(nameof(Scope)) ? Scope : (Pkcs11ConfigScope?)null), Name + ".module");
        }

        /// <summary>As in the ArchWiki recipe, a library in p11-kit's module directory is written by file name only.</summary>
        private string ModuleSetting(string library)
        {
            string dir = Registry.Paths.ModuleDirectory;
            string fileName = System.IO.Path.GetFileName(library);
            return dir != null && SamePath(System.IO.Path.Combine(dir, fileName), library) ? fileName : library;
        }

        private Pkcs11Module Registered(string target, Pkcs11Module info)
        {
            Pkcs11Module module = Pkcs11Registry.Load(Registry.Paths).Modules.FirstOrDefault(m => m.ConfigFile != null && SamePath(m.ConfigFile, target));
            // Not in effect here (a user config while root, or a -Path outside p11-kit's directories): as written.
            module = module ?? Registry.ReadConfig(target, out _);
            module.CopyLibraryInfo(info);
            return module;
        }
    }
}
