using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using SmartCardPS.Os;

namespace SmartCardPS.Clients
{
    /// <summary>
    /// The processes connected to the PC/SC service. Linux: the peers of pcscd's socket (from the kernel, see
    /// <see cref="UnixSocketDiag"/>) matched with the sockets each process holds in /proc/PID/fd, which is what
    /// pcsc-lite's list_pcsc_applications.sh does with lsof. Windows: the processes with winscard.dll loaded
    /// (<see cref="WindowsPcscClients"/>). macOS's CryptoTokenKit service has no such socket to ask about.
    /// </summary>
    public static class PcscClients
    {
        /// <summary>pcsc-lite's default socket, unless PCSCLITE_CSOCK_NAME moves it (as the client library reads it).</summary>
        public static string SocketPath
        {
            get
            {
                string path = Environment.GetEnvironmentVariable("PCSCLITE_CSOCK_NAME");
                return string.IsNullOrEmpty(path) ? "/run/pcscd/pcscd.comm" : path;
            }
        }

        /// <summary>What macOS users can run instead: its PC/SC service is CryptoTokenKit's com.apple.ctkpcscd, whose clients lsof -U shows.</summary>
        public const string NotSupportedMessage =
            "Get-SmartCardClient reads pcscd's socket peers on Linux and the processes with winscard.dll loaded on Windows. " +
            "On macOS, the PC/SC clients are those of com.apple.ctkpcscd: sudo lsof -U | grep -i ctkpcscd.";

        public static PcscClientScan Scan()
        {
            if (RunningOs.IsWindows) return WindowsPcscClients.Scan();
            if (!RunningOs.IsLinux) throw new PlatformNotSupportedException(NotSupportedMessage);
            var scan = new PcscClientScan { SocketPath = SocketPath };
            if (!UnixStat.TryPath(scan.SocketPath, out UnixStat socketFile, out _)) return scan;
            List<UnixSocketEntry> sockets = UnixSocketDiag.Dump();
            var server = new HashSet<uint>(sockets.Where(s => IsBoundTo(s, socketFile)).Select(s => s.Inode));
            scan.ServiceListening = server.Count > 0;
            // The peer of each accepted socket is a client's end; so is every socket whose peer is an accepted socket.
            var clientEnds = new HashSet<uint>(sockets.Where(s => server.Contains(s.Inode) && s.Peer != 0).Select(s => s.Peer));
            clientEnds.UnionWith(sockets.Where(s => s.Peer != 0 && server.Contains(s.Peer) && !server.Contains(s.Inode)).Select(s => s.Inode));
            Attribute(scan, clientEnds);
            return scan;
        }

        /// <summary>The socket's bound file is <paramref name="file"/>: statx gives major and minor, the kernel's s_dev packs them as major &lt;&lt; 20 | minor.</summary>
        private static bool IsBoundTo(UnixSocketEntry socket, UnixStat file) =>
            socket.VfsInode != 0 && socket.VfsInode == (uint)file.Inode &&
            socket.VfsDevice >> 20 == (uint)(file.Device >> 32) && (socket.VfsDevice & 0xFFFFF) == (uint)(file.Device & 0xFFFFFFFF);

        private static void Attribute(PcscClientScan scan, HashSet<uint> clientEnds)
        {
            var clients = new List<PcscClient>();
            var uninspected = new List<int>();
            var attributed = new HashSet<uint>();
            int self;
            using (var me = Process.GetCurrentProcess()) self = me.Id;
            var users = new UserNames();
            foreach (int pid in ProcessIds())
            {
                HashSet<uint> held;
                try
                {
                    held = SocketsOf(pid, clientEnds);
                }
                catch (UnauthorizedAccessException)
                {
                    uninspected.Add(pid);
                    continue;
                }
                catch (IOException)
                {
                    continue; // the process ended while it was read: it holds nothing now
                }
                if (held.Count == 0) continue;
                attributed.UnionWith(held);
                clients.Add(Describe(pid, held.Count, pid == self, users));
            }
            scan.Clients = clients;
            scan.UninspectedProcessIds = uninspected;
            scan.UnattributedConnections = clientEnds.Count(c => !attributed.Contains(c));
        }

        private static IEnumerable<int> ProcessIds()
        {
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) yield return pid;
            }
        }

        /// <summary>The client ends among the process's descriptors (a descriptor inherited by a child counts in both).</summary>
        private static HashSet<uint> SocketsOf(int pid, HashSet<uint> clientEnds)
        {
            var held = new HashSet<uint>();
            foreach (string fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                string target = UnixFile.ReadLink(fd);
                if (target == null || !target.StartsWith("socket:[", StringComparison.Ordinal)) continue;
                if (uint.TryParse(target.Substring(8).TrimEnd(']'), NumberStyles.None, CultureInfo.InvariantCulture, out uint inode) && clientEnds.Contains(inode))
                    held.Add(inode);
            }
            return held;
        }

        private static PcscClient Describe(int pid, int connections, bool self, UserNames users)
        {
            string dir = $"/proc/{pid}";
            UnixStat.TryPath(dir, out UnixStat owner, out _);
            return new PcscClient
            {
                ProcessId = pid,
                ProcessName = ReadText($"{dir}/comm")?.TrimEnd('\n'),
                CommandLine = ReadText($"{dir}/cmdline")?.TrimEnd('\0').Replace('\0', ' '),
                User = users.Of(owner.Uid),
                Connections = connections,
                IsCurrentProcess = self,
            };
        }

        private static string ReadText(string path)
        {
            try
            {
                return Encoding.UTF8.GetString(File.ReadAllBytes(path));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return null;
            }
        }

        /// <summary>uid to name from /etc/passwd, read once (the names ps shows for local users; a number otherwise).</summary>
        private sealed class UserNames
        {
            private Dictionary<int, string> names;

            public string Of(int uid)
            {
                if (names == null)
                {
                    names = new Dictionary<int, string>();
                    foreach (string line in (ReadText("/etc/passwd") ?? "").Split('\n'))
                    {
                        string[] f = line.Split(':');
                        if (f.Length > 2 && int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out int id) && !names.ContainsKey(id)) names[id] = f[0];
                    }
                }
                return names.TryGetValue(uid, out string name) ? name : uid.ToString(CultureInfo.InvariantCulture);
            }
        }
    }
}
