using System.IO;
using System.Management.Automation;
using System;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.Nss;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes a PKCS#11 module (security device) from Firefox profiles and NSS databases by its
    /// exact name.</para>
    /// <para type="description">Removes the stanza of the module named exactly -Name from each database's pkcs11.txt
    /// and leaves every other byte of the file as it was (NSS's own delete matches names by prefix; this does not).
    /// Modules from Get-NssModule can be piped in: each is removed from its own database. Without -Profile,
    /// -NssDatabase, -SharedDatabase or -AllProfiles the default Firefox profile is used. NSS's internal module is
    /// never removed. While a Firefox runs with a profile it is refused unless -Force, after which Firefox must be
    /// restarted; -WhatIf refuses it too, so it names exactly the databases a real run changes. The file is replaced
    /// atomically keeping its mode and owner. Supports -WhatIf and -Confirm.</para>
    /// </summary>
    /// <example>
    /// <code>Unregister-NssModule -Name OpenSC -AllProfiles</code>
    /// <para>Removes the OpenSC module from every Firefox profile.</para>
    /// </example>
    /// <example>
    /// <code>Get-NssModule -Name 'CAC Module' -SharedDatabase | Unregister-NssModule -WhatIf</code>
    /// <para>Shows what would be removed from the shared NSS database (Chromium's), without changing it: a piped module
    /// names its own database.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Unregister, "NssModule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Profile")]
    public sealed class UnregisterNssModuleCommand : NssCmdlet
    {
        /// <summary>
        /// <para type="description">The exact module name (no wildcards: NSS module names may contain * and ?).</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The exact module name.")]
        [ArgumentCompleter(typeof(NssModuleNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        /// <summary>
        /// <para type="description">Removes even while Firefox runs with the profile (restart Firefox afterwards); as
        /// root, writes into a profile another user owns, and replaces a read-only pkcs11.txt. Links are never followed
        /// there, whatever -Force says.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            foreach (NssTarget target in Targets(false))
            {
                NssModuleFile file = ReadDatabase(target);
                if (file == null) continue;
                var matches = NssModuleDatabase.FindName(file, Name);
                if (matches.Count == 0)
                {
                    if (!AllProfiles)
                    {
                        WriteError(NewError(new ItemNotFoundException($"{target.Description} has no module named exactly {Quote(Name)}. Run Get-NssModule to list its modules."),
                            "NotFound", ErrorCategory.ObjectNotFound, Name));
                    }
                    continue;
                }
                if (matches.Exists(m => m.IsInternal))
                {
                    WriteError(NewError(new InvalidOperationException($"{Quote(Name)} is NSS's internal module in {target.Description}; it was left alone."),
                        "InternalModule", ErrorCategory.InvalidOperation, Name));
                    continue;
                }
                if (!CheckNotRunning(target, Force, Quote(Name), "removed", out string restart)) continue;
                if (!ShouldProcess(target.Description, $"Remove the PKCS#11 module {Quote(Name)} ({Quote(matches[0].Library)})")) continue;
                if (restart != null) WriteWarning(restart);
                try
                {
                    NssModuleDatabase.Remove(target.Directory, Name, Force);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidOperationException)
                {
                    WriteModuleFileError(ex, target);
                }
            }
        }
    }
}
