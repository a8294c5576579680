using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.Connections;
using SmartCardPS.Interop;
using SmartCardPS.Pcsc;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Connects to the card in a smart-card reader.</para>
    /// <para type="description">Opens a PC/SC connection (SCardConnect) to the card in each reader, as scriptor and
    /// pyscard's createConnection().connect() do, and emits one SmartCardConnection: Reader, Protocol, ShareMode, Atr,
    /// IsConnected. Pass it to Send-SmartCardApdu -Connection to send many commands over one connection, and close it
    /// with Disconnect-SmartCard; connections still open when the runspace closes are disconnected then, leaving the
    /// card as it is. A reader name may hold wildcards if it matches exactly one reader. Errors are non-terminating,
    /// one per reader, with ids ConnectSmartCard followed by the SCARD_* reason: ConnectSmartCardNoSmartCard (no card
    /// in the reader), ConnectSmartCardUnknownReader (no such reader), ConnectSmartCardSharingViolation (another
    /// program holds the card exclusively), ConnectSmartCardRemovedCard; ConnectSmartCardAmbiguousReader when a
    /// wildcard matches more than one reader.</para>
    /// </summary>
    /// <example>
    /// <code>$card = Get-SmartCardReader | Where-Object CardPresent | Select-Object -First 1 | Connect-SmartCard
    /// Send-SmartCardApdu '00 A4 04 00 07 A0 00 00 00 03 10 10 00' -Connection $card
    /// Disconnect-SmartCard $card</code>
    /// <para>Connects to the card in the first reader that holds one, asks it to select the Visa application by its AID
    /// (90 00 if it has it, 6A 82 if not) and disconnects.</para>
    /// </example>
    /// <example>
    /// <code>$cards = Get-SmartCardReader | Where-Object CardPresent |
    ///     Connect-SmartCard -ShareMode Exclusive -Protocol T1
    /// $cards | Format-Table
    /// $cards | Disconnect-SmartCard</code>
    /// <para>Connects exclusively, over T=1, to every card present (other programs cannot use those cards until the
    /// connections close), shows the connections and closes them.</para>
    /// </example>
    /// <example>
    /// <code>$reader = Get-SmartCardReader | Select-Object -Last 1 | Connect-SmartCard -ShareMode Direct
    /// $reader.Protocol
    /// Disconnect-SmartCard $reader</code>
    /// <para>Opens a direct connection to the reader itself, which works without a card (Protocol is then None).</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Connect, "SmartCard", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(SmartCardConnection))]
    public sealed class ConnectSmartCardCommand : CardCmdlet
    {
        /// <summary>
        /// <para type="description">The reader whose card to connect to: a name (wildcards allowed when they match one
        /// reader) or a SmartCardReader from Get-SmartCardReader, by value or by its Name property.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true,
            HelpMessage = "The reader whose card to connect to.")]
        [Alias("Name")]
        [ArgumentCompleter(typeof(ReaderNameCompleter))]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Reader { get; set; }

        /// <summary>
        /// <para type="description">Shared (the default) lets other programs use the card too; Exclusive keeps it to
        /// this connection; Direct talks to the reader without needing a card.</para>
        /// </summary>
        [Parameter]
        public SmartCardShareMode ShareMode { get; set; } = SmartCardShareMode.Shared;

        /// <summary>
        /// <para type="description">The protocols to accept: T0, T1 or Any (the default, the reader picks). A direct
        /// connection without a card uses None.</para>
        /// </summary>
        [Parameter]
        public SmartCardProtocol Protocol { get; set; } = SmartCardProtocol.Any;

        protected override void ProcessRecord()
        {
            foreach (string name in Reader)
            {
                if (!ShouldProcess(UntrustedText.Escape(name), $"Connect ({ShareMode}, {Protocol})")) continue;
                SmartCardProtocol protocol = ShareMode == SmartCardShareMode.Direct && !MyInvocation.BoundParameters.ContainsKey(nameof(Protocol)) ? SmartCardProtocol.None : Protocol;
                SmartCardConnection connection = TryConnect(name, ShareMode, protocol);
                if (connection == null) continue;
                RunspaceConnections.Add(connection);
                WriteObject(connection);
            }
        }
    }
}
