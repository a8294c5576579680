using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Parameters;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes a p11-kit module config that registers OpenSC's PKCS#11 library.</para>
    /// <para type="description">Deletes the config file that Register-OpenScModule (or the ArchWiki recipe) wrote:
    /// -Name in the system or user config directory (-Scope, by default System for root and User otherwise), or exactly
    /// -Path. Modules from Get-Pkcs11Module can be piped in: the config file that sets each one's module: line is
    /// removed. It refuses a file that registers anything other than OpenSC (known by its file name or the SONAME in
    /// its ELF file; the library is never loaded), so it never removes another module's registration. Supports -WhatIf
    /// and -Confirm.</para>
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
    [Cmdlet(VerbsLifecycle.Unregister, "OpenScModule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = NameSet)]
    public sealed class UnregisterOpenScModuleCommand : Pkcs11UnregisterCmdlet
    {
        /// <summary>
        /// <para type="description">The module name, which is the config file name without .module (default:
        /// opensc).</para>
        /// </summary>
        [Parameter(ParameterSetName = NameSet, Position = 0, HelpMessage = "The module name (the config file name without .module).")]
        [ValidatePkcs11ModuleName]
        public string Name { get; set; } = "opensc";

        protected override string ModuleName => Name;

        protected override void ProcessRecord() => Unregister(openScOnly: true, "OpenSC");
    }
}
