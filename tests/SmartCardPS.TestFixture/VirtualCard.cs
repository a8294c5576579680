using System;
using System.IO;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;

namespace SmartCardPS.TestFixture
{
    /// <summary>
    /// A card in a vpcd virtual reader: a TCP client speaking vpcd's protocol (2-byte big-endian length,
    /// then a payload; one byte is a control: 0 off, 1 on, 2 reset, 4 "send ATR"; anything else is an APDU).
    /// Inserted while connected, removed when the connection closes. Reconnects if pcscd restarts. APDUs go to a
    /// small ISO/IEC 7816-4 card OS (<see cref="IsoCard"/>).
    /// </summary>
    public sealed class VirtualCard : IDisposable
    {
        private readonly int port;
        private readonly byte[] atr;
        private readonly Thread thread;
        private readonly ManualResetEventSlim poweredOn = new ManualResetEventSlim();
        private readonly IsoCard os;
        private volatile bool stopping;
        private TcpClient client;
        private Action quickAck = () => { };

        public VirtualCard(int port, byte[] atr)
        {
            this.port = port;
            this.atr = atr;
            os = new IsoCard(atr);
            thread = new Thread(Serve) { IsBackground = true, Name = "vpcd card :" + port };
            thread.Start();
        }

        public byte[] Atr => (byte[])atr.Clone();

        /// <summary>The INS byte of every command the card has seen, in order.</summary>
        public byte[] Instructions => os.Instructions;

        /// <summary>Number of APDUs the card has answered.</summary>
        public int ApduCount { get; private set; }

        /// <summary>Waits until pcscd has powered the card and read its ATR, i.e. the reader reports it present.</summary>
        public bool WaitPoweredOn(TimeSpan timeout) => poweredOn.Wait(timeout);

        private void Serve()
        {
            while (!stopping)
            {
                try
                {
                    using (var c = new TcpClient())
                    {
                        c.NoDelay = true;
                        c.Connect("127.0.0.1", port);
                        quickAck = QuickAck(c.Client);
                        client = c;
                        if (stopping) return;
                        Converse(c.GetStream());
                    }
                }
                catch (Exception) when (!stopping)
                {
                    // pcscd not (yet) listening, or it went away: try again shortly.
                    Thread.Sleep(50);
                }
                catch (Exception)
                {
                    return;
                }
            }
        }

        private void Converse(NetworkStream stream)
        {
            var header = new byte[2];
            bool sawPower = false;
            while (!stopping)
            {
                if (!ReadExactly(stream, header)) return;
                var payload = new byte[(header[0] << 8) | header[1]];
                quickAck();
                if (!ReadExactly(stream, payload)) return;
                quickAck();
                if (payload.Length == 1)
                {
                    switch (payload[0])
                    {
                        case 1:
                        case 2:
                            sawPower = true;
                            os.Reset();
                            break;
                        case 4:
                            Send(stream, atr);
                            if (sawPower) poweredOn.Set();
                            break;
                    }
                }
                else
                {
                    ApduCount++;
                    Send(stream, os.Process(payload));
                }
            }
        }

        /// <summary>
        /// vpcd writes a frame's length and its payload separately without TCP_NODELAY, so Nagle holds the payload
        /// until the length is acknowledged, and a delayed ACK made every APDU cost 40 ms. Linux's TCP_QUICKACK
        /// (re-armed after each read) acknowledges at once.
        /// </summary>
        private static Action QuickAck(Socket socket)
        {
            if (Environment.OSVersion.Platform != PlatformID.Unix) return () => { };
            const int IpProtoTcp = 6, TcpQuickAck = 12;
            int fd = socket.Handle.ToInt32();
            return () =>
            {
                int one = 1;
                setsockopt(fd, IpProtoTcp, TcpQuickAck, ref one, sizeof(int));
            };
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int setsockopt(int socket, int level, int name, ref int value, uint length);

        private static void Send(Stream stream, byte[] data)
        {
            var frame = new byte[data.Length + 2];
            frame[0] = (byte)(data.Length >> 8);
            frame[1] = (byte)data.Length;
            Buffer.BlockCopy(data, 0, frame, 2, data.Length);
            stream.Write(frame, 0, frame.Length);
        }

        private static bool ReadExactly(Stream stream, byte[] buffer)
        {
            int read = 0;
            while (read < buffer.Length)
            {
                int n = stream.Read(buffer, read, buffer.Length - read);
                if (n <= 0) return false;
                read += n;
            }
            return true;
        }

        /// <summary>Removes the card: the connection closes and vpcd reports the slot empty.</summary>
        public void Dispose()
        {
            stopping = true;
            try { client?.Close(); } catch (ObjectDisposedException) { }
            thread.Join(2000);
            poweredOn.Dispose();
        }
    }
}
