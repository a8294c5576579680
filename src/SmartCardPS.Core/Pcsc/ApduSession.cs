using System;
using SmartCardPS.Interop;
using SmartCardPS.Iso7816;

namespace SmartCardPS.Pcsc
{
    /// <summary>
    /// APDUs sent as one run on one connection: one card transaction around them all, so no other program interleaves
    /// its commands; the ISO/IEC 7816-3 T=0 rules on each (<see cref="SmartCardConnection.Send"/>); and, when asked,
    /// a reconnect and one resend when another program reset the card. Disposing it ends the transaction, gives the
    /// connection back the RetryOnReset it had (a connection from Connect-SmartCard outlives the session), and closes
    /// the connection when the session owns it.
    /// </summary>
    public sealed class ApduSession : IDisposable
    {
        private readonly bool ownsConnection;
        private readonly bool retryBefore;
        private readonly bool followResponses;
        private SmartCardTransaction transaction;
        private bool disposed;

        private ApduSession(SmartCardConnection connection, bool ownsConnection, bool retryOnReset, bool followResponses)
        {
            Connection = connection;
            this.ownsConnection = ownsConnection;
            this.followResponses = followResponses;
            retryBefore = connection.RetryOnReset;
            if (retryOnReset) connection.RetryOnReset = true;
        }

        /// <summary>
        /// Begins the transaction on <paramref name="connection"/>. When that fails (<see cref="PcscException"/>, or
        /// <see cref="ObjectDisposedException"/> for a closed connection) the connection is left as it was given,
        /// and closed if <paramref name="ownsConnection"/>.
        /// </summary>
        /// <param name="connection">The connection to send on.</param>
        /// <param name="ownsConnection">Close the connection when the session ends.</param>
        /// <param name="retryOnReset">Reconnect and resend once when another program reset the card.</param>
        /// <param name="followResponses">Apply the T=0 rules (61 XX, 6C XX); false returns the card's first
        /// answer.</param>
        public static ApduSession Begin(SmartCardConnection connection, bool ownsConnection, bool retryOnReset,
            bool followResponses)
        {
            if (connection == null) throw new ArgumentNullException(nameof(connection));
            var session = new ApduSession(connection, ownsConnection, retryOnReset, followResponses);
            try
            {
                session.transaction = connection.BeginTransaction();
                return session;
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }

        public SmartCardConnection Connection { get; }

        /// <summary>One command and its answer (joined from GET RESPONSEs unless the session returns first
        /// answers).</summary>
        public ApduResponse Send(CommandApdu command) => Connection.Send(command, followResponses);

        /// <summary>Warm-resets the card, as scriptor's 'reset' line does, and gives its new ATR.</summary>
        public CardReset Reset()
        {
            Connection.Reconnect(SmartCardDisposition.Reset);
            return new CardReset(Connection.Reader, Connection.Atr);
        }

        /// <summary>One step of a scriptor script: an <see cref="ApduResponse"/>, or a <see cref="CardReset"/>.
        /// </summary>
        public object Run(ApduScriptStep step) => step.IsReset ? (object)Reset() : Send(step.Apdu);

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            transaction?.Dispose();
            transaction = null;
            Connection.RetryOnReset = retryBefore;
            if (ownsConnection) Connection.Dispose();
        }
    }
}
