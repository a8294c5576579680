using System.Collections.Generic;
using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.Nss;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the PKCS#11 modules (security devices) of Firefox profiles and other NSS databases,
    /// as NSS reads them.</para>
    /// <para type="description">Reads the pkcs11.txt of each NSS sql: database exactly as NSS does: stanzas of
    /// library=, name=, parameters= and NSS= lines ended by an empty line, LF or CRLF, # comments, lines longer than
    /// 2047 bytes split where NSS splits them, values starting with a double quote taken as already quoted (so name="a"
    /// library=b sets both, as in NSS), the internal module first. The result matches what modutil -rawlist and
    /// Firefox's Security Devices dialog show. Without -Profile, -NssDatabase or -SharedDatabase every profile that
    /// Get-FirefoxProfile finds is read. A database without pkcs11.txt has no modules yet (NSS adds its internal module
    /// when it first opens it). -SharedDatabase reads ~/.pki/nssdb (else $XDG_DATA_HOME/pki/nssdb), which Chromium and
    /// other NSS programs use.</para>
    /// </summary>
    /// <example>
    /// <code>Get-NssModule</code>
    /// <para>Lists the security devices of every Firefox profile; Database says which profile each belongs to.</para>
    /// </example>
    /// <example>
    /// <code>Get-NssModule -NssDatabase sql:$HOME/.pki/nssdb | Where-Object { -not $_.IsInternal }</code>
    /// <para>Lists the modules added to the shared NSS database, without NSS's own.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "NssModule", DefaultParameterSetName = "Profile")]
    [OutputType(typeof(NssModule))]
    public sealed class GetNssModuleCommand : NssCmdlet
    {
        /// <summary>
        /// <para type="description">Module names to return; wildcards are allowed.</para>
        /// </summary>
        [Parameter(Position = 0, HelpMessage = "Module names; wildcards are allowed.")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(NssModuleNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; }

        private readonly List<NssModule> found = new List<NssModule>();

        protected override void ProcessRecord()
        {
            foreach (NssTarget target in Targets(true))
            {
                NssModuleFile file = ReadDatabase(target);
                if (file != null) found.AddRange(file.Modules);
            }
        }

        protected override void EndProcessing()
        {
            IEnumerable<NssModule> selected = Name == null ? found
                : SelectByName(found, Name, m => m.Name, name => $"No NSS module is named {Quote(name)}. Run Get-NssModule without -Name to list them.");
            foreach (NssModule module in selected) WriteObject(module);
        }
    }
}
