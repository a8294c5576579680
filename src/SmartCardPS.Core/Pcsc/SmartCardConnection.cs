using System;
using System.Diagnostics;
using System.IO;
using SmartCardPS.Interop;
using SmartCardPS.Iso7816;
using SmartCardPS.Text;

namespace SmartCardPS.Pcsc
{
    /// <summary>
    /// One SCardConnect to one reader, on its own PC/SC context (so connections in different runspaces or threads
    /// never wait on each other's context). Every failing call throws <see cref="PcscException"/>. One exchange
    /// (a command and its GET RESPONSE chain) runs at a time.
    /// </summary>
    public sealed class SmartCardConnection : IDisposable
    {
        /// <summary>An extended Ne of 65536 data bytes plus SW1-SW2.</summary>
        private const int MaxResponseLength = 65536 + 2;

        /// <summary>256 GET RESPONSEs of 256 bytes: as much as an extended Le can ask for, and a bound on a card that never stops.</summary>
        private const int MaxGetResponses = 256;

        private readonly IPcscApi api;
        private readonly PcscContext context;
        private readonly ScardCardHandle handle;
        private readonly SmartCardProtocol preferred;
        private readonly byte[] receive = new byte[MaxResponseLength];
        private readonly byte[] getResponse = { 0x00, 0xC0, 0x00, 0x00, 0x00 };
        private readonly object gate = new object();

        private SmartCardConnection(IPcscApi api, PcscContext context, ScardCardHandle handle, string reader,
            SmartCardShareMode share, SmartCardProtocol preferred, SmartCardProtocol active)
        {
            this.api = api;
            this.context = context;
            this.handle = handle;
            this.preferred = preferred;
            Reader = reader;
            ShareMode = share;
            Protocol = active;
        }

        public static SmartCardConnection Connect(string reader, SmartCardShareMode share = SmartCardShareMode.Shared,
            SmartCardProtocol preferred = SmartCardProtocol.Any) => Connect(PcscPlatform.Api, reader, share, preferred);

        internal static SmartCardConnection Connect(IPcscApi api, string reader, SmartCardShareMode share, SmartCardProtocol preferred)
        {
            if (reader == null) throw new ArgumentNullException(nameof(reader));
            PcscContext context = PcscContext.Establish(api);
            try
            {
                IntPtr card = IntPtr.Zero;
                SmartCardProtocol active = SmartCardProtocol.None;
                ScardError rc = HeldHandle.Call(context.Handle, ctx => api.Connect(ctx, reader, share, preferred, out card, out active));
                if (rc != ScardError.Success) throw PolkitRefusal.Failure(rc, $"SCardConnect to {UntrustedText.Quote(reader)}", PolkitRefusal.AccessCard);
                var connection = new SmartCardConnection(api, context, new ScardCardHandle(api, context.Handle, card), reader, share, preferred, active);
                connection.RefreshStatus();
                OpenConnections.Add(connection);
                return connection;
            }
            catch
            {
                context.Dispose();
                throw;
            }
        }

        public string Reader { get; }

        /// <summary>When it was opened, so a sharing violation it causes can say which connection is in the way.</summary>
        internal DateTimeOffset OpenedAt { get; } = DateTimeOffset.Now;
        public SmartCardShareMode ShareMode { get; private set; }

        /// <summary>The protocol in use (None on a direct connection without a card).</summary>
        public SmartCardProtocol Protocol { get; private set; }

        /// <summary>The ATR as SCardStatus reports it, in hex; null on a direct connection without a card.</summary>
        public string Atr { get; private set; }

        public bool IsConnected => !handle.IsClosed;

        /// <summary>When another connection resets the card: reconnect (leaving the card as it is) and retry the exchange once.</summary>
        public bool RetryOnReset { get; set; }

        /// <summary>
        /// Sends one command. With <paramref name="followResponses"/>, the ISO/IEC 7816-3 T=0 rules apply whatever the
        /// protocol (as OpenSC does): 6C XX resends the command with Le = XX, 61 XX fetches XX more bytes with
        /// GET RESPONSE until the card is done, and the data of every part is joined.
        /// </summary>
        public ApduResponse Send(CommandApdu command, bool followResponses = true)
        {
            if (command == null) throw new ArgumentNullException(nameof(command));
            if (command.IsExtended && Protocol == SmartCardProtocol.T0)
            {
                throw new ApduFormatException(ApduFormatReason.ExtendedOverT0,
                    $"'{command}' is an extended-length APDU, which T=0 cannot carry (the card in {UntrustedText.Quote(Reader)} uses T=0). Split the command, or connect with -Protocol T1 if the card supports it.");
            }
            lock (gate)
            {
                long start = Stopwatch.GetTimestamp();
                byte[] bytes = command.Bytes;
                int n = Exchange(bytes, bytes.Length);
                if (followResponses && n == 2 && receive[0] == 0x6C)
                {
                    byte[] again = command.WithShortLe(receive[1]);
                    if (again != null) n = Exchange(again, again.Length);
                }
                byte[] data;
                if (followResponses && receive[n - 2] == 0x61) data = FollowResponses(bytes[0], ref n);
                else
                {
                    data = new byte[n - 2];
                    Buffer.BlockCopy(receive, 0, data, 0, n - 2);
                }
                long ticks = (Stopwatch.GetTimestamp() - start) * TimeSpan.TicksPerSecond / Stopwatch.Frequency;
                return new ApduResponse(Reader, bytes, data, receive[n - 2], receive[n - 1], TimeSpan.FromTicks(ticks));
            }
        }

        private byte[] FollowResponses(byte cla, ref int n)
        {
            // GET RESPONSE keeps the logical channel of an interindustry class; proprietary classes use 00.
            getResponse[0] = (cla & 0x80) != 0 ? (byte)0x00 : (cla & 0x40) == 0 ? (byte)(cla & 0x03) : (byte)(cla & 0x4F);
            var data = new MemoryStream();
            for (int i = 0; i < MaxGetResponses; i++)
            {
                data.Write(receive, 0, n - 2);
                if (receive[n - 2] != 0x61) break;
                getResponse[4] = receive[n - 1];
                n = Exchange(getResponse, getResponse.Length);
            }
            if (receive[n - 2] == 0x61) data.Write(receive, 0, n - 2);
            return data.ToArray();
        }

        /// <summary>One SCardTransmit; the answer (data and SW1-SW2) is in <see cref="receive"/>. Returns its length.</summary>
        private int Exchange(byte[] command, int length)
        {
            for (int attempt = 0; ; attempt++)
            {
                ScardError rc = TransmitOnce(command, length, out int n);
                if (rc == ScardError.Success)
                {
                    if (n < 2) throw new InvalidDataException($"The reader {UntrustedText.Quote(Reader)} returned {n} byte(s) for '{Hex.Format(command, 0, length)}', too few for SW1-SW2.");
                    return n;
                }
                if (rc == ScardError.ResetCard && RetryOnReset && attempt == 0)
                {
                    Reconnect(SmartCardDisposition.Leave);
                    continue;
                }
                throw new PcscException(rc, $"SCardTransmit to {UntrustedText.Quote(Reader)}");
            }
        }

        private unsafe ScardError TransmitOnce(byte[] command, int length, out int received)
        {
            bool added = false;
            try
            {
                AddRef(ref added);
                fixed (byte* send = command)
                fixed (byte* answer = receive)
                {
                    int n = receive.Length;
                    ScardError rc = api.Transmit(handle.DangerousGetHandle(), Protocol, send, length, answer, ref n);
                    received = n;
                    return rc;
                }
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }

        /// <summary>The raw exchange, without the T=0 rules: the answer's bytes with SW1-SW2 at the end.</summary>
        public byte[] Transmit(byte[] command)
        {
            if (command == null) throw new ArgumentNullException(nameof(command));
            lock (gate)
            {
                int n = Exchange(command, command.Length);
                var result = new byte[n];
                Buffer.BlockCopy(receive, 0, result, 0, n);
                return result;
            }
        }

        /// <summary>SCardReconnect with the same share mode and protocols; <paramref name="initialization"/> Reset warm-resets the card.</summary>
        public void Reconnect(SmartCardDisposition initialization)
        {
            SmartCardProtocol active = SmartCardProtocol.None;
            ScardError rc = Use(h => api.Reconnect(h, ShareMode, preferred, initialization, out active));
            if (rc != ScardError.Success) throw new PcscException(rc, $"SCardReconnect to {UntrustedText.Quote(Reader)}");
            Protocol = active;
            RefreshStatus();
        }

        /// <summary>SCardBeginTransaction: other connections wait until the returned scope ends.</summary>
        public SmartCardTransaction BeginTransaction()
        {
            ScardError rc = Use(api.BeginTransaction);
            if (rc == ScardError.ResetCard && RetryOnReset)
            {
                Reconnect(SmartCardDisposition.Leave);
                rc = Use(api.BeginTransaction);
            }
            if (rc != ScardError.Success) throw new PcscException(rc, $"SCardBeginTransaction on {UntrustedText.Quote(Reader)}");
            return new SmartCardTransaction(this);
        }

        internal void EndTransaction(SmartCardDisposition disposition)
        {
            ScardError rc = Use(h => api.EndTransaction(h, disposition));
            if (rc != ScardError.Success) throw new PcscException(rc, $"SCardEndTransaction on {UntrustedText.Quote(Reader)}");
        }

        /// <summary>SCardControl with a code already built (e.g. one a feature TLV gave).</summary>
        public unsafe byte[] Control(uint controlCode, byte[] input)
        {
            input = input ?? Array.Empty<byte>();
            lock (gate)
            {
                int n = 0;
                ScardError rc;
                fixed (byte* i = input)
                fixed (byte* o = receive)
                {
                    byte* inPtr = input.Length == 0 ? null : i;
                    byte* outPtr = o;
                    rc = Use(h => api.Control(h, controlCode, inPtr, input.Length, outPtr, receive.Length, out n));
                }
                if (rc != ScardError.Success) throw new PcscException(rc, $"SCardControl 0x{controlCode:X8} on {UntrustedText.Quote(Reader)}");
                var result = new byte[n];
                Buffer.BlockCopy(receive, 0, result, 0, n);
                return result;
            }
        }

        /// <summary>The platform's SCARD_CTL_CODE(<paramref name="function"/>).</summary>
        public uint ControlCode(int function) => api.ControlCode(function);

        /// <summary>SCardGetAttrib (two calls: the length, then the value).</summary>
        public byte[] GetAttribute(uint attribute)
        {
            int length = 0;
            ScardError rc = Use(h => api.GetAttrib(h, attribute, null, ref length));
            if (rc == ScardError.Success)
            {
                var buffer = new byte[length];
                rc = Use(h => api.GetAttrib(h, attribute, buffer, ref length));
                if (rc == ScardError.Success)
                {
                    Array.Resize(ref buffer, Math.Min(length, buffer.Length));
                    return buffer;
                }
            }
            throw new PcscException(rc, $"SCardGetAttrib 0x{attribute:X5} on {UntrustedText.Quote(Reader)}");
        }

        /// <summary>Reads the protocol and ATR again (SCardStatus); a direct connection without a card keeps a null ATR.</summary>
        public void RefreshStatus()
        {
            SmartCardProtocol protocol = SmartCardProtocol.None;
            byte[] atr = null;
            ScardError rc = Use(h => api.Status(h, out protocol, out atr));
            if (rc == ScardError.Success)
            {
                Protocol = protocol;
                Atr = atr.Length > 0 ? Hex.Format(atr) : null;
                return;
            }
            if (ShareMode == SmartCardShareMode.Direct && (rc == ScardError.NoSmartCard || rc == ScardError.RemovedCard)) return;
            throw new PcscException(rc, $"SCardStatus on {UntrustedText.Quote(Reader)}");
        }

        /// <summary>SCardDisconnect with <paramref name="disposition"/>, then the context is released. Calling it again does nothing.</summary>
        public void Disconnect(SmartCardDisposition disposition)
        {
            lock (gate)
            {
                if (handle.IsClosed) return;
                OpenConnections.Remove(this);
                handle.Disposition = disposition;
                handle.Dispose();
                context.Dispose();
            }
        }

        /// <summary>Disconnects leaving the card as it is.</summary>
        public void Dispose() => Disconnect(SmartCardDisposition.Leave);

        public override string ToString() => Reader;

        private ScardError Use(Func<IntPtr, ScardError> call)
        {
            try
            {
                return HeldHandle.Call(handle, call);
            }
            catch (ObjectDisposedException)
            {
                throw Closed();
            }
        }

        private void AddRef(ref bool added)
        {
            try
            {
                handle.DangerousAddRef(ref added);
            }
            catch (ObjectDisposedException)
            {
                throw Closed();
            }
        }

        private ObjectDisposedException Closed() =>
            new ObjectDisposedException(null, $"The connection to {UntrustedText.Quote(Reader)} is closed. Connect again with Connect-SmartCard.");
    }
}
