using System;
using System.IO;
using System.Management.Automation;
using SmartCardPS.Pkcs11;

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
    public sealed class UnregisterOpenScModuleCommand : Pkcs11Cmdlet
    {
        /// <summary>
        /// <para type="description">The module name, which is the config file name without .module (default: opensc).</para>
        /// </summary>
        [Parameter(ParameterSetName = "Name", Position = 0, HelpMessage = "The module name (the config file name without .module).")]
        [ValidatePattern(@"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
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

        protected override void ProcessRecord()
        {
            string file = ParameterSetName == "Path" ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path)
                : ParameterSetName == "Module" ? Module.ConfigFile
                : ScopeFile();
            if (!File.Exists(file))
            {
                WriteError(NewError(new ItemNotFoundException($"There is no module config {file}."), "NotFound", ErrorCategory.ObjectNotFound, file));
                return;
            }
            Pkcs11Module config = Registry.ReadConfig(file, out string error);
            string setting = config?.ModuleSetting;
            if (!IsOpenSc(config?.Path))
            {
                string what = config == null ? "cannot be read (" + error + ")" : string.IsNullOrEmpty(setting) ? "registers no library" : $"registers '{setting}', not OpenSC";
                WriteError(NewError(new InvalidOperationException($"{file} {what}; it was left alone."), "NotOpenSc", ErrorCategory.InvalidOperation, file));
                return;
            }
            if (!ShouldProcess(file, $"Remove the p11-kit registration of OpenSC ({setting})")) return;
            try
            {
                Pkcs11ConfigWriter.Delete(file);
            }
            catch (UnauthorizedAccessException ex)
            {
                WriteError(NewError(new UnauthorizedAccessException(
                    $"Permission denied removing {file}: run elevated (sudo) for a system registration.", ex),
                    "PermissionDenied", ErrorCategory.PermissionDenied, file));
            }
            catch (IOException ex)
            {
                WriteError(NewError(ex, "WriteFailed", ErrorCategory.WriteError, file));
            }
        }

        private string ScopeFile() =>
            System.IO.Path.Combine(ConfigDirectory(MyInvocation.BoundParameters.ContainsKey(nameof(Scope)) ? Scope : (Pkcs11ConfigScope?)null), Name + ".module");

        /// <summary>OpenSC by file name, or by what the library says it is when it was renamed.</summary>
        private static bool IsOpenSc(string library)
        {
            if (library == null) return false;
            if (OpenScLibrary.HasOpenScName(library)) return true;
            try
            {
                using (var lib = Pkcs11Library.Load(library))
                {
                    return lib.GetInfo().LibraryManufacturer == OpenScLibrary.Manufacturer;
                }
            }
            catch (Pkcs11ModuleException)
            {
                return false;
            }
        }
    }
}
