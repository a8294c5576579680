using System.Management.Automation;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Registers OpenSC's PKCS#11 library with p11-kit, so GnuTLS, p11tool, NSS-via-p11-kit and other p11-kit users find smart cards.</para>
    /// <para type="description">Does what the ArchWiki recipe does by hand: writes a p11-kit module config (module: opensc-pkcs11.so) for OpenSC's PKCS#11 library. Without -ModulePath it finds the platform's library (opensc-pkcs11.so in p11-kit's module directory on Linux, the usual install paths on macOS and Windows). The config goes to the system config directory (-Scope System, the default for root), to the user's (-Scope User, the default otherwise; p11-kit ignores it for root), or exactly to -Path, such as /usr/share/p11-kit/modules/opensc.module. When any config, under any name and in any location, already registers the same library, that registration is reported as an error and nothing changes, unless -Force. Otherwise the library is first loaded and asked C_GetInfo: anything that is not a working PKCS#11 module is refused, and so is any module but OpenSC (by its file name, or its manufacturer when renamed), so that Unregister-OpenScModule can always remove what this registered; Register-Pkcs11Module registers other modules. The file is written atomically (a temporary file in the same directory, then renamed) with mode 0644, creating missing directories with mode 0755; a failure leaves nothing behind, and permission denied says to use -Scope User or run elevated. Emits the registered module.</para>
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
    public sealed class RegisterOpenScModuleCommand : Pkcs11RegistrationCmdlet
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
        [ValidatePkcs11ModuleName]
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

        protected override void ProcessRecord() => Register(() => new Pkcs11ModuleRegistration
        {
            Library = ModulePath == null ? Registrar.FindOpenSc() : Registrar.FindLibrary(ModulePath, FullPath(ModulePath)),
            ConfigFile = ConfigFile(Name, Scope, Path),
            Priority = MyInvocation.BoundParameters.ContainsKey(nameof(Priority)) ? Priority : (int?)null,
            EnableIn = EnableIn,
            DisableIn = DisableIn,
            Force = Force,
            OpenScOnly = true,
        }, "the OpenSC PKCS#11 module");
    }
}
