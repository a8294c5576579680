using System.Management.Automation;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes a p11-kit module config that registers OpenSC's PKCS#11 library.</para>
    /// <para type="description">Deletes the config file that Register-OpenScModule (or the ArchWiki recipe) wrote: -Name in the system or user config directory (-Scope, by default System for root and User otherwise), or exactly -Path. Modules from Get-Pkcs11Module can be piped in: the config file that sets each one's module: line is removed. It refuses a file that registers anything other than OpenSC, so it never removes another module's registration. Supports -WhatIf and -Confirm.</para>
    /// </summary>
    /// <example>
    /// <code>Unregister-OpenScModule</code>
    /// <para>Removes opensc.module from the default scope's config directory.</para>
    /// </example>
    /// <example>
    /// <code>Unregister-OpenScModule -Path /usr/share/p11-kit/modules/opensc.module -WhatIf</code>
    /// <para>Shows what would be removed after the ArchWiki recipe, without removing it.</para>
    /// </example>
    /// <example>
    /// <code>Get-Pkcs11Module opensc | Unregister-OpenScModule</code>
    /// <para>Removes the config that registers the module named opensc, wherever it is.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Unregister, "OpenScModule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Name")]
    public sealed class UnregisterOpenScModuleCommand : Pkcs11RegistrationCmdlet
    {
        /// <summary>
        /// <para type="description">The module name, which is the config file name without .module (default: opensc).</para>
        /// </summary>
        [Parameter(ParameterSetName = "Name", Position = 0, HelpMessage = "The module name (the config file name without .module).")]
        [ValidatePkcs11ModuleName]
        public string Name { get; set; } = "opensc";

        /// <summary>
        /// <para type="description">System removes from the system config directory (/etc/pkcs11/modules), User from ~/.config/pkcs11/modules. The default is System for root and User otherwise.</para>
        /// </summary>
        [Parameter(ParameterSetName = "Name", HelpMessage = "System or User.")]
        public Pkcs11ConfigScope Scope { get; set; }

        /// <summary>
        /// <para type="description">The exact config file to remove, such as /usr/share/p11-kit/modules/opensc.module.</para>
        /// </summary>
        [Parameter(ParameterSetName = "Path", Mandatory = true, HelpMessage = "The exact config file to remove.")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>
        /// <para type="description">Modules from Get-Pkcs11Module; the config file that sets each one's module: line is removed.</para>
        /// </summary>
        [Parameter(ParameterSetName = "Module", Mandatory = true, ValueFromPipeline = true, HelpMessage = "Modules from Get-Pkcs11Module.")]
        [ValidateNotNull]
        public Pkcs11Module Module { get; set; }

        protected override void ProcessRecord() =>
            Unregister(() => ParameterSetName == "Module" ? Registrar.ConfigFileOf(Module) : ConfigFile(Name, Scope, Path), openScOnly: true, "OpenSC");
    }
}
