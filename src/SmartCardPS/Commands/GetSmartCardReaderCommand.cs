using System.Collections.Generic;
using System.Management.Automation;
using SmartCardPS.Atr;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.Pcsc;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the PC/SC smart-card readers and the card in each.</para>
    /// <para type="description">Asks the PC/SC service (pcscd on Linux and BSD, the Smart Card service on Windows,
    /// PCSC.framework on macOS) for every reader and its state, as pcsc_scan and opensc-tool -l do, and emits one
    /// SmartCardReader object per reader with the card's ATR. No readers gives no output. A reader -Name given
    /// literally that matches no reader writes a non-terminating ObjectNotFound error; a wildcard that matches nothing
    /// writes nothing. When the PC/SC service is not running the command stops with a ResourceUnavailable error that
    /// says how to start it.</para>
    /// </summary>
    /// <example>
    /// <code>Get-SmartCardReader</code>
    /// <para>Lists every reader, whether a card is in it and the card's ATR.</para>
    /// </example>
    /// <example>
    /// <code>Get-SmartCardReader -Name 'Yubico*' | Format-List *</code>
    /// <para>Shows every property of the readers whose names start with Yubico.</para>
    /// </example>
    /// <example>
    /// <code>Get-SmartCardReader | Where-Object CardPresent | ConvertTo-Json -EnumsAsStrings</code>
    /// <para>Reports the readers that hold a card as JSON, for a script or CI job.</para>
    /// </example>
    /// <example>
    /// <code>Get-SmartCardReader -IncludeFeatures | Select-Object Name, HasPinPad, Features, VendorName</code>
    /// <para>Shows which readers have a PIN pad (the ArchWiki's enable_pinpad advice depends on it) and what else their
    /// drivers offer.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "SmartCardReader")]
    [OutputType(typeof(SmartCardReader))]
    public sealed class GetSmartCardReaderCommand : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">Reader names to return; wildcards are allowed. Without it every reader is
        /// returned.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true,
            HelpMessage = "Reader names to return; wildcards are allowed.")]
        [Alias("Reader", "ReaderName")]
        [ArgumentCompleter(typeof(ReaderNameCompleter))]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; }

        /// <summary>
        /// <para type="description">Also asks each reader, over a direct connection, for its PC/SC v2 part 10 features
        /// (Features, HasPinPad) and vendor attributes (VendorName, VendorIfdVersion, VendorSerialNumber), as
        /// opensc-tool -l does for its Features column. It costs a connection per reader, so a plain listing leaves it
        /// out and these properties stay empty.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter IncludeFeatures { get; set; }

        private IReadOnlyList<SmartCardReader> readers;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            try
            {
                using (var context = PcscContext.Establish())
                {
                    readers = context.GetReaders(AtrDatabase.Default.CardNameOf);
                }
            }
            catch (PcscException ex)
            {
                ThrowPcscError(ex);
            }
        }

        protected override void ProcessRecord()
        {
            IEnumerable<SmartCardReader> selected = Name == null ? readers : SelectByName(readers, Name, r => r.Name,
                name => $"No smart-card reader named {UntrustedText.Quote(name)} was found. Run Get-SmartCardReader without -Name to list the readers.");
            foreach (SmartCardReader reader in selected)
            {
                if (IncludeFeatures) ReadFeatures(reader);
                WriteObject(reader);
            }
        }

        private void ReadFeatures(SmartCardReader reader)
        {
            try
            {
                reader.ReadFeatures();
            }
            catch (PcscException ex)
            {
                ThrowPcscError(ex, reader.Name);
            }
        }
    }
}
