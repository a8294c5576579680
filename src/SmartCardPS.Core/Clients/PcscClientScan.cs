using System.Collections.Generic;

namespace SmartCardPS.Clients
{
    /// <summary>What one look at the PC/SC service's clients found, and what it could not see.</summary>
    public sealed class PcscClientScan
    {
        /// <summary>The service's socket (PCSCLITE_CSOCK_NAME, or pcsc-lite's default).</summary>
        public string SocketPath { get; set; }

        /// <summary>Whether a service listens there; false means no pcscd (and so no clients).</summary>
        public bool ServiceListening { get; set; }

        public IReadOnlyList<PcscClient> Clients { get; set; } = new List<PcscClient>();

        /// <summary>Connections to the service that no process this user could inspect holds.</summary>
        public int UnattributedConnections { get; set; }

        /// <summary>The processes whose descriptors this user may not read (other users' processes, without root).</summary>
        public IReadOnlyList<int> UninspectedProcessIds { get; set; } = new List<int>();

        /// <summary>
        /// A sentence for a warning when some connections belong to processes that could not be inspected, else null.
        /// When every connection was matched to a process, the unreadable processes provably hold none.
        /// </summary>
        public string UninspectedWarning()
        {
            if (UnattributedConnections == 0) return null;
            var pids = UninspectedProcessIds;
            string list = string.Join(", ", System.Linq.Enumerable.Take(pids, 20)) + (pids.Count > 20 ? ", …" : "");
            return $"{UnattributedConnections} connection(s) to the PC/SC service belong to processes this user cannot inspect " +
                (pids.Count > 0 ? $"({pids.Count} process{(pids.Count == 1 ? "" : "es")} could not be read: {list}); run as root to see them all." :
                    "(in another PID namespace, or gone while they were read).");
        }
    }
}
