using System.Collections.Generic;
using System.Management.Automation;
using SmartCardPS.Atr;
using SmartCardPS.Interop;
using SmartCardPS.Readers;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the PC/SC smart-card readers and the card in each.</para>
    /// <para type="description">Asks the PC/SC service (pcscd on Linux and BSD, the Smart Card service on Windows, PCSC.framework on macOS) for every reader and its state, as pcsc_scan and opensc-tool -l do, and emits one SmartCardReader object per reader with the card's ATR. No readers gives no output. A reader -Name given literally that matches no reader writes a non-terminating ObjectNotFound error; a wildcard that matches nothing writes nothing. When the PC/SC service is not running the command stops with a ResourceUnavailable error that says how to start it.</para>
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
    [Cmdlet(VerbsCommon.Get, "SmartCardReader")]
    [OutputType(typeof(SmartCardReader))]
    public sealed class GetSmartCardReaderCommand : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">Reader names to return; wildcards are allowed. Without it every reader is returned.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true,
            HelpMessage = "Reader names to return; wildcards are allowed.")]
        [Alias("Reader", "ReaderName")]
        [ArgumentCompleter(typeof(ReaderNameCompleter))]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; }

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
            if (Name == null)
            {
                WriteObject(readers, enumerateCollection: true);
                return;
            }
            WriteObject(SelectByName(readers, Name, r => r.Name,
                name => $"No smart-card reader named '{name}' was found. Run Get-SmartCardReader without -Name to list the readers."),
                enumerateCollection: true);
        }
    }
}
