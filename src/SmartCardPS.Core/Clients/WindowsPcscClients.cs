using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;

namespace SmartCardPS.Clients
{
    /// <summary>
    /// Windows' PC/SC clients: the Smart Card service (SCardSvr) has no socket to ask about, so a client is a
    /// process with winscard.dll loaded, as tasklist /m winscard.dll lists them. A process whose modules this user
    /// may not read (another user's, or a protected one, without elevation) is reported as not inspected.
    /// </summary>
    internal static class WindowsPcscClients
    {
        public static PcscClientScan Scan()
        {
            var scan = new PcscClientScan { SocketPath = "SCardSvr", ServiceListening = true };
            var clients = new List<PcscClient>();
            var uninspected = new List<int>();
            int self;
            using (var me = Process.GetCurrentProcess()) self = me.Id;
            foreach (Process process in Process.GetProcesses())
            {
                using (process)
                {
                    try
                    {
                        if (!LoadsWinScard(process)) continue;
                        // WinSCard keeps no per-context view a process can ask for: each client counts once.
                        clients.Add(new PcscClient { ProcessId = process.Id, ProcessName = process.ProcessName, Connections = 1, IsCurrentProcess = process.Id == self });
                    }
                    catch (Exception ex) when (ex is Win32Exception || ex is InvalidOperationException || ex is NotSupportedException)
                    {
                        // Access denied, or the process ended while it was read (then it holds nothing).
                        if (ex is Win32Exception) uninspected.Add(process.Id);
                    }
                }
            }
            scan.Clients = clients;
            scan.UninspectedProcessIds = uninspected;
            // Nothing counts the connections of processes that could not be read, so each counts as one that might be.
            scan.UnattributedConnections = uninspected.Count;
            return scan;
        }

        private static bool LoadsWinScard(Process process)
        {
            foreach (ProcessModule module in process.Modules)
            {
                using (module)
                {
                    if (string.Equals(module.ModuleName, "winscard.dll", StringComparison.OrdinalIgnoreCase)) return true;
                }
            }
            return false;
        }
    }
}
