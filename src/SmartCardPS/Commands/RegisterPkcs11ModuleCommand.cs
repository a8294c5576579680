using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.P11Kit;
using SmartCardPS.Parameters;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Registers a PKCS#11 module (YubiKey's ykcs11, CoolKey, SoftHSM, a vendor's HSM library)
    /// with p11-kit, so GnuTLS, p11tool and other p11-kit users load it.</para>
    /// <para type="description">Writes a p11-kit module config named after the module (-Name, so NAME.module) whose
    /// module: line names the library (-ModulePath). A library in p11-kit's module directory is written by file name,
    /// as package configs do; any other by its full path. A bare file name is looked for only in p11-kit's module
    /// directory, as p11-kit does; a file in the current location is named as a path (./libfoo.so). The config goes to
    /// the system config directory (-Scope System, the default for root), to the user's (-Scope User, the default
    /// otherwise; p11-kit ignores it for root), or exactly to -Path, whose file name must then be NAME.module, as
    /// p11-kit reads nothing else. When any config, under any name and in any location, already registers the same
    /// library (through a symbolic link too), that registration is reported as an error and nothing changes, unless
    /// -Force; an existing config file for another library is never replaced without -Force either. Otherwise the
    /// library is first loaded and asked C_GetInfo, and anything that is not a working PKCS#11 module is refused, since
    /// a broken module would break every p11-kit user. The file is written atomically (a temporary file in the same
    /// directory, then renamed) with mode 0644, creating missing directories with mode 0755; a failure leaves nothing
    /// behind, and permission denied says to use -Scope User or run elevated. Emits the registered module, as
    /// Get-Pkcs11Module lists it. Register-OpenScModule is the shortcut for OpenSC.</para>
    /// </summary>
    /// <example>
    /// <code>Register-Pkcs11Module -Name ykcs11 -ModulePath /usr/lib/x86_64-linux-gnu/libykcs11.so -WhatIf</code>
    /// <para>Shows where YubiKey's PKCS#11 library (Debian's ykcs11 package, which registers nothing itself) would be
    /// registered, after checking that it is a working PKCS#11 module, without writing anything.</para>
    /// </example>
    /// <example>
    /// <code>Register-Pkcs11Module -Name ykcs11 -ModulePath /usr/lib/x86_64-linux-gnu/libykcs11.so -Scope User `
    ///     -DisableIn firefox</code>
    /// <para>Registers ykcs11 for the current user, except in Firefox, which loads modules through its own security
    /// devices.</para>
    /// </example>
    /// <example>
    /// <code>Register-Pkcs11Module -Name ykcs11 -ModulePath /usr/lib/x86_64-linux-gnu/libykcs11.so -Priority 10 `
    ///     -Critical</code>
    /// <para>Registers ykcs11 for every user (run as root), loaded before the other modules; with -Critical, p11-kit
    /// users fail when it cannot be loaded rather than silently going on without it.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Register, "Pkcs11Module", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(Pkcs11Module))]
    public sealed class RegisterPkcs11ModuleCommand : Pkcs11RegisterCmdlet
    {
        /// <summary>
        /// <para type="description">The module name, which is the config file name without .module: a letter or digit
        /// first, then letters, digits, '_', '-' and '.'.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The module name (the config file name without .module).")]
        [ValidatePkcs11ModuleName]
        public string Name { get; set; }

        /// <summary>
        /// <para type="description">The PKCS#11 library to register: a path, or a file name in p11-kit's module
        /// directory (such as opensc-pkcs11.so). As for every cmdlet that registers a library, a bare file name is a
        /// library in p11-kit's module directory, never a file in the current location (name that ./name); a relative
        /// path is taken from PowerShell's current location (Set-Location).</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, HelpMessage = "The PKCS#11 library: a path, or a file name in p11-kit's module directory.")]
        [ValidateNotNullOrEmpty]
        public string ModulePath { get; set; }

        /// <summary>
        /// <para type="description">Writes trust-policy: yes: the module is a source of trust policy (anchors,
        /// blocklists) for p11-kit's trust lookups.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter TrustPolicy { get; set; }

        /// <summary>
        /// <para type="description">Writes critical: yes: when the module fails to load or initialize, p11-kit (and so
        /// GnuTLS and p11tool) fails altogether instead of going on without it.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Critical { get; set; }

        protected override void ProcessRecord() => Register(() =>
        {
            Pkcs11ModuleRegistration request = NewRegistration(Registration.Registrar.FindLibrary(ModulePath, Pkcs11.FullPath(ModulePath)), Registration.ConfigFile(Name, Scope, Path, pathNamesModule: true));
            request.TrustPolicy = TrustPolicy;
            request.Critical = Critical;
            return request;
        }, "the PKCS#11 module");
    }
}
