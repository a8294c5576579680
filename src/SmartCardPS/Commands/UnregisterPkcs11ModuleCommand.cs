using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.Parameters;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes a p11-kit module config, so p11-kit users no longer load that PKCS#11
    /// module.</para>
    /// <para type="description">Deletes the config file of a module: -Name in the system or user config directory
    /// (-Scope, by default System for root and User otherwise), or exactly -Path, which must be a NAME.module file.
    /// Modules from Get-Pkcs11Module can be piped in: the config file that sets each one's module: line is removed, and
    /// only when it lies in one of p11-kit's config directories. Names and paths that leave the config directory are
    /// refused. A module that other configs also set keeps their settings (Get-Pkcs11Module shows ConfigFiles).
    /// Unregister-OpenScModule is the shortcut that removes only OpenSC registrations. Supports -WhatIf and
    /// -Confirm.</para>
    /// </summary>
    /// <example>
    /// <code>Unregister-Pkcs11Module -Name ykcs11 -WhatIf</code>
    /// <para>Shows which config file would be removed, without removing it.</para>
    /// </example>
    /// <example>
    /// <code>Get-Pkcs11Module ykcs11 | Unregister-Pkcs11Module</code>
    /// <para>Removes the config that registers the module named ykcs11, wherever p11-kit reads it from.</para>
    /// </example>
    /// <example>
    /// <code>Unregister-Pkcs11Module -Path /usr/share/p11-kit/modules/softhsm2.module -Confirm:$false</code>
    /// <para>Removes exactly that config file (here the one Debian's softhsm2 package installs), without asking.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Unregister, "Pkcs11Module", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = NameSet)]
    public sealed class UnregisterPkcs11ModuleCommand : Pkcs11UnregisterCmdlet
    {
        /// <summary>
        /// <para type="description">The module name, which is the config file name without .module.</para>
        /// </summary>
        [Parameter(ParameterSetName = NameSet, Mandatory = true, Position = 0, HelpMessage = "The module name (the config file name without .module).")]
        [ArgumentCompleter(typeof(ModuleNameCompleter))]
        [ValidatePkcs11ModuleName]
        public string Name { get; set; }

        protected override string ModuleName => Name;

        protected override void ProcessRecord() => Unregister(openScOnly: false, "the PKCS#11 module");
    }
}
