using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace SmartCardPS.TestFixture
{
    /// <summary>
    /// A private pcscd with vpcd virtual readers, and cards to put in them. It refuses to run outside the
    /// private mount namespace that tests/tools/ns-run.sh makes, so it never touches a system pcscd.
    /// Shared by xunit, Pester and the Demo.
    /// </summary>
    public sealed class PcscFixture : IDisposable
    {
        public const string NamespaceVariable = "SMARTCARDPS_PCSC_NAMESPACE";
        public const string SocketPath = "/run/pcscd/pcscd.comm";
        private const string VpcdDriver = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";

        private readonly string directory;
        // Held while the directory is in use: a run killed outright leaves it unlocked for the next run to remove.
        private FileStream owner;
        private readonly int basePort;
        private readonly string friendlyName;
        // Locked: tests move cards in different readers from different threads at once.
        private readonly Dictionary<int, VirtualCard> cards = new Dictionary<int, VirtualCard>();
        private Process daemon;
        private StreamWriter daemonLog;

        private PcscFixture(string directory, int basePort, int readerCount, string friendlyName)
        {
            this.directory = directory;
            this.basePort = basePort;
            this.friendlyName = friendlyName;
            ReaderNames = NamesFor(readerCount);
        }

        /// <summary>
        /// A real CCID reader's name, brackets and all (pcscd appends " NN SS"): wildcard characters in reader names
        /// are the everyday case, and every test goes through them.
        /// </summary>
        public const string FriendlyName = "SCM Microsystems Inc. SCR 3310 [CCID Interface] (21120844306107)";

        // vpcd gives its reader.conf entry two slots (ports P and P+1); pcscd names them "<friendly> NN SS".
        private string[] NamesFor(int readerCount)
        {
            var names = new List<string>();
            for (int i = 0; i < readerCount; i++) names.Add(string.Format(CultureInfo.InvariantCulture, "{0} {1:X2} {2:X2}", friendlyName, i / 2, i % 2));
            return names.ToArray();
        }

        // vpcd keeps one connection per slot number in a process-wide table, so a second reader.conf entry would
        // share the first one's cards (and pcscd would give both the same names): one pair per pcscd is all it does.
        private static int PairsFor(int readerCount)
        {
            if (readerCount < 0 || readerCount > 2)
                throw new ArgumentOutOfRangeException(nameof(readerCount), readerCount, "vpcd serves at most two readers (one pair) per pcscd.");
            return (readerCount + 1) / 2;
        }

        /// <summary>Why the fixture cannot run here, or null when it can.</summary>
        public static string Unavailable()
        {
            if (Environment.GetEnvironmentVariable(NamespaceVariable) != "1")
                return "not inside the private mount namespace: run the tests through tests/tools/ns-run.sh (build.ps1 -Task Test does)";
            if (!File.Exists("/usr/sbin/pcscd")) return "pcscd is not installed (apt-get install pcscd)";
            if (!File.Exists(VpcdDriver)) return "the vpcd driver is not installed (apt-get install vsmartcard-vpcd)";
            return null;
        }

        /// <summary>True for any truthy CI value (true, 1, yes, on; any case), as build.ps1 reads it.</summary>
        public static bool IsCi => System.Text.RegularExpressions.Regex.IsMatch(
            (Environment.GetEnvironmentVariable("CI") ?? "").Trim(), "^(?i:true|1|yes|on|y)$");

        /// <summary>
        /// Starts pcscd with <paramref name="readerCount"/> virtual readers: 0 or 2 (vpcd makes one pair; 1 is rounded up),
        /// named after <paramref name="friendlyName"/> (a hostile name for the tests of messages), else <see cref="FriendlyName"/>.
        /// </summary>
        public static PcscFixture Start(int readerCount = 2, string friendlyName = null)
        {
            string why = Unavailable();
            if (why != null) throw new InvalidOperationException("The PC/SC test fixture cannot start: " + why);
            string dir = Path.Combine(Path.GetTempPath(), "smartcardps-pcscd-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            FileStream owner = OwnerLock.Take(dir);
            int pairs = PairsFor(readerCount);
            // Ports for a whole pair even without readers, so SetReaderCount(2) can add them later.
            var fixture = new PcscFixture(dir, FreePortRun(2), pairs * 2, friendlyName ?? FriendlyName) { owner = owner };
            fixture.WriteConfig(pairs);
            fixture.StartDaemon();
            return fixture;
        }

        public string[] ReaderNames { get; private set; }
        public string ConfigPath => Path.Combine(directory, "reader.conf");
        public string LogPath => Path.Combine(directory, "pcscd.log");
        public bool DaemonRunning => daemon != null && !daemon.HasExited;

        public int PortOf(int reader) => basePort + reader;

        /// <summary>Puts a card with this ATR into reader <paramref name="reader"/> and waits until pcscd has powered it.</summary>
        public VirtualCard Insert(int reader, string atrHex, bool wait = true)
        {
            Remove(reader);
            var card = new VirtualCard(PortOf(reader), ParseHex(atrHex));
            lock (cards) cards[reader] = card;
            // A hang guard, not a timing: it only ends a test whose card pcscd never powers, so it is generous.
            if (wait && !card.WaitPoweredOn(TimeSpan.FromSeconds(30)))
                throw new TimeoutException($"pcscd did not power the virtual card in {ReaderNames[reader]} within 30 s; see {LogPath}");
            return card;
        }

        /// <summary>How many APDUs the card in <paramref name="reader"/> has answered; 0 without a card.</summary>
        public int ApduCountOf(int reader)
        {
            lock (cards) return cards.TryGetValue(reader, out VirtualCard card) ? card.ApduCount : 0;
        }

        /// <summary>The INS byte of every command the card in <paramref name="reader"/> has seen; empty without a card.</summary>
        public byte[] InstructionsOf(int reader)
        {
            lock (cards) return cards.TryGetValue(reader, out VirtualCard card) ? card.Instructions : new byte[0];
        }

        public void Remove(int reader)
        {
            VirtualCard card;
            lock (cards)
            {
                if (!cards.TryGetValue(reader, out card)) return;
                cards.Remove(reader);
            }
            card.Dispose();
        }

        public void StartDaemon()
        {
            if (DaemonRunning) return;
            if (File.Exists(SocketPath)) File.Delete(SocketPath);
            var psi = new ProcessStartInfo("/usr/sbin/pcscd", $"--foreground --config \"{ConfigPath}\"")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            daemon = Process.Start(psi);
            var log = daemonLog = new StreamWriter(LogPath, append: true) { AutoFlush = true };
            daemon.OutputDataReceived += (s, e) => Append(log, e.Data);
            daemon.ErrorDataReceived += (s, e) => Append(log, e.Data);
            daemon.BeginOutputReadLine();
            daemon.BeginErrorReadLine();
            // pcscd starts its configured serial readers before it creates the socket, so a socket that takes a
            // connection means ready. The file alone is not enough: it exists from bind(), and a client that
            // connects before listen() is refused and reads that as SCARD_E_NO_SERVICE.
            var sw = Stopwatch.StartNew();
            while (!AcceptsConnections())
            {
                if (daemon.HasExited) throw new InvalidOperationException($"pcscd exited with {daemon.ExitCode}; see {LogPath}");
                if (sw.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException($"pcscd did not create {SocketPath} within 10 s; see {LogPath}");
                Thread.Sleep(5);
            }
        }

        // netstandard2.0 has no UnixDomainSocketEndPoint; every runtime the tests run on has.
        private static readonly Type UnixEndPoint = Type.GetType("System.Net.Sockets.UnixDomainSocketEndPoint, System.Net.Sockets", throwOnError: true);

        private static bool AcceptsConnections()
        {
            if (!File.Exists(SocketPath)) return false;
            using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                try
                {
                    probe.Connect((EndPoint)Activator.CreateInstance(UnixEndPoint, SocketPath));
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            }
        }

        // A line that arrives after StopDaemon closed the log is dropped, not thrown on a thread-pool thread.
        private static void Append(StreamWriter log, string line)
        {
            if (line == null) return;
            lock (log)
            {
                if (log.BaseStream != null) log.WriteLine(line);
            }
        }

        /// <summary>Stops pcscd (the cards stay "in" and reconnect when it comes back).</summary>
        public void StopDaemon()
        {
            if (daemon == null) return;
            if (!daemon.HasExited)
            {
                daemon.Kill();
                daemon.WaitForExit(10000);
            }
            // Once the process is gone this only drains its output, so the log can be closed after it; one log
            // handle per start used to stay open for the life of the fixture.
            daemon.WaitForExit();
            daemon.Dispose();
            lock (daemonLog) daemonLog.Dispose();
            daemon = null;
            // Killed, pcscd never removes its socket itself: waiting for that only delayed every restart.
            if (File.Exists(SocketPath)) File.Delete(SocketPath);
        }

        /// <summary>
        /// Restarts pcscd with <paramref name="readerCount"/> readers (0 or 2): the way to take the readers away and
        /// bring them back, since pcscd reads reader.conf only at start (<c>pcscd --hotplug</c> rescans USB, not
        /// reader.conf). Clients see the service go and return with the new readers; cards in readers that remain
        /// come back with it, the others are removed.
        /// </summary>
        public void SetReaderCount(int readerCount)
        {
            int pairs = PairsFor(readerCount);
            StopDaemon();
            List<int> inserted;
            lock (cards) inserted = new List<int>(cards.Keys);
            foreach (int reader in inserted)
            {
                if (reader >= pairs * 2) Remove(reader);
            }
            ReaderNames = NamesFor(pairs * 2);
            WriteConfig(pairs);
            StartDaemon();
        }

        public void Dispose()
        {
            List<VirtualCard> inserted;
            lock (cards)
            {
                inserted = new List<VirtualCard>(cards.Values);
                cards.Clear();
            }
            foreach (VirtualCard card in inserted) card.Dispose();
            StopDaemon();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
            owner?.Dispose();
        }

        public static byte[] ParseHex(string hex)
        {
            string digits = hex.Replace(" ", string.Empty).Replace(":", string.Empty);
            var bytes = new byte[digits.Length / 2];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = byte.Parse(digits.Substring(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            return bytes;
        }

        private void WriteConfig(int pairs)
        {
            using (var w = new StreamWriter(ConfigPath))
            {
                for (int i = 0; i < pairs; i++)
                {
                    int port = basePort + 2 * i;
                    w.WriteLine($"FRIENDLYNAME \"{friendlyName}\"");
                    w.WriteLine($"DEVICENAME   /dev/null:0x{port:X4}");
                    w.WriteLine($"LIBPATH      {VpcdDriver}");
                    w.WriteLine($"CHANNELID    0x{port:X4}");
                    w.WriteLine();
                }
            }
        }

        /// <summary>A run of free consecutive loopback ports (vpcd listens on every address, so check the wildcard).</summary>
        private static int FreePortRun(int count)
        {
            var random = new Random();
            for (int attempt = 0; attempt < 200; attempt++)
            {
                int start = random.Next(20000, 60000 - count);
                bool free = true;
                for (int p = start; p < start + count && free; p++) free = PortFree(p);
                if (free) return start;
            }
            throw new InvalidOperationException("No run of free TCP ports for vpcd was found.");
        }

        private static bool PortFree(int port)
        {
            try
            {
                var l = new TcpListener(IPAddress.Any, port);
                l.Start();
                l.Stop();
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
