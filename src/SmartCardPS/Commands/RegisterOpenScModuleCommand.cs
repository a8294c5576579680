using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.P11Kit;
using SmartCardPS.Parameters;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Registers OpenSC's PKCS#11 library with p11-kit, so GnuTLS, p11tool, NSS-via-p11-kit and
    /// other p11-kit users find smart cards.</para>
    /// <para type="description">Does what the ArchWiki recipe does by hand: writes a p11-kit module config (module:
    /// opensc-pkcs11.so) for OpenSC's PKCS#11 library. Without -ModulePath it finds the platform's library
    /// (opensc-pkcs11.so in p11-kit's module directory on Linux, the usual install paths on macOS and Windows). The
    /// config goes to the system config directory (-Scope System, the default for root), to the user's (-Scope User,
    /// the default otherwise; p11-kit ignores it for root), or exactly to -Path, such as
    /// /usr/share/p11-kit/modules/opensc.module. When any config, under any name and in any location, already registers
    /// the same library, that registration is reported as an error and nothing changes, unless -Force. Otherwise the
    /// library is first loaded and asked C_GetInfo: anything that is not a working PKCS#11 module is refused, and so is
    /// any module but OpenSC (by its file name, or its manufacturer when renamed), so that Unregister-OpenScModule can
    /// always remove what this registered; Register-Pkcs11Module registers other modules. The file is written
    /// atomically (a temporary file in the same directory, then renamed) with mode 0644, creating missing directories
    /// with mode 0755; a failure leaves nothing behind, and permission denied says to use -Scope User or run elevated.
    /// Emits the registered module.</para>
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
    public sealed class RegisterOpenScModuleCommand : Pkcs11RegisterCmdlet
    {
        /// <summary>
        /// <para type="description">The OpenSC PKCS#11 library to register: a path, or a file name in p11-kit's module
        /// directory. Without it the platform's usual location is used. As for every cmdlet that registers a library, a
        /// bare file name is a library in p11-kit's module directory, never a file in the current location (name that
        /// ./name); a relative path is taken from PowerShell's current location (Set-Location).</para>
        /// </summary>
        [Parameter(Position = 0, HelpMessage = "The OpenSC PKCS#11 library; by default the platform's usual location.")]
        [ValidateNotNullOrEmpty]
        public string ModulePath { get; set; }

        /// <summary>
        /// <para type="description">The module name, which is the config file name without .module (default: opensc).
        /// Ignored with -Path, whose file name gives the name.</para>
        /// </summary>
        [Parameter(HelpMessage = "The module name (the config file name without .module).")]
        [ValidatePkcs11ModuleName]
        public string Name { get; set; } = "opensc";

        protected override void ProcessRecord() => Register(() =>
        {
            string library = ModulePath == null ? Registration.Registrar.FindOpenSc() : Registration.Registrar.FindLibrary(ModulePath, Pkcs11.FullPath(ModulePath));
            Pkcs11ModuleRegistration request = NewRegistration(library, Registration.ConfigFile(Name, Scope, Path));
            request.OpenScOnly = true;
            return request;
        }, "the OpenSC PKCS#11 module");
    }
}
