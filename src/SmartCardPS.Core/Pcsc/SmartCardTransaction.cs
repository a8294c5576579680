using System;
using SmartCardPS.Interop;

namespace SmartCardPS.Pcsc
{
    /// <summary>
    /// A card held for one connection between SCardBeginTransaction and SCardEndTransaction. Disposing it ends the
    /// transaction leaving the card; a card already gone (removed, reset, disconnected) has no transaction left to end.
    /// </summary>
    public sealed class SmartCardTransaction : IDisposable
    {
        private readonly SmartCardConnection connection;
        private bool ended;

        internal SmartCardTransaction(SmartCardConnection connection) => this.connection = connection;

        public void End(SmartCardDisposition disposition)
        {
            if (ended) return;
            ended = true;
            connection.EndTransaction(disposition);
        }

        public void Dispose()
        {
            if (ended || !connection.IsConnected) return;
            try
            {
                End(SmartCardDisposition.Leave);
            }
            catch (PcscException)
            {
            }
        }
    }
}
