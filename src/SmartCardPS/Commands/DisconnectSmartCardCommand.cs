using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Connections;
using SmartCardPS.Interop;
using SmartCardPS.Pcsc;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Closes connections made by Connect-SmartCard.</para>
    /// <para type="description">Disconnects each connection (SCardDisconnect) with the chosen disposition: Leave (the
    /// default) leaves the card as it is, Reset warm-resets it, Unpower powers it down, Eject ejects it where the
    /// reader can. Disconnecting a connection already closed does nothing. Writes nothing unless -PassThru is
    /// given.</para>
    /// </summary>
    /// <example>
    /// <code>$card = Get-SmartCardReader | Where-Object CardPresent | Select-Object -First 1 | Connect-SmartCard
    /// Disconnect-SmartCard $card -Disposition Reset</code>
    /// <para>Disconnects and resets the card, so the next program finds it fresh (no application selected, no PIN
    /// verified).</para>
    /// </example>
    /// <example>
    /// <code>Get-SmartCardReader | Where-Object CardPresent | Connect-SmartCard |
    ///     Disconnect-SmartCard -PassThru | Select-Object Reader, IsConnected</code>
    /// <para>Disconnects connections from the pipeline and shows that they are closed.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Disconnect, "SmartCard", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(SmartCardConnection))]
    public sealed class DisconnectSmartCardCommand : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">The connections to close, from Connect-SmartCard.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The connections to close.")]
        [ValidateNotNull]
        public SmartCardConnection[] Connection { get; set; }

        /// <summary>
        /// <para type="description">What happens to the card: Leave (the default), Reset, Unpower or Eject.</para>
        /// </summary>
        [Parameter]
        public SmartCardDisposition Disposition { get; set; } = SmartCardDisposition.Leave;

        /// <summary>
        /// <para type="description">Writes each connection after closing it.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (SmartCardConnection connection in Connection)
            {
                if (connection.IsConnected && ShouldProcess(UntrustedText.Escape(connection.Reader), $"Disconnect ({Disposition})"))
                {
                    connection.Disconnect(Disposition);
                    RunspaceConnections.Remove(connection);
                }
                if (PassThru) WriteObject(connection);
            }
        }
    }
}
