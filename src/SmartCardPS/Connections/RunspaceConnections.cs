using System.Collections.Generic;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using SmartCardPS.Pcsc;

namespace SmartCardPS.Connections
{
    /// <summary>
    /// The connections Connect-SmartCard opened in each runspace, disconnected (leaving the card) when the runspace
    /// closes, so a closed runspace never keeps a card, least of all an exclusive one.
    /// </summary>
    internal static class RunspaceConnections
    {
        private sealed class Owned
        {
            public readonly List<SmartCardConnection> Connections = new List<SmartCardConnection>();
        }

        private static readonly ConditionalWeakTable<Runspace, Owned> Table = new ConditionalWeakTable<Runspace, Owned>();

        public static void Add(SmartCardConnection connection)
        {
            Runspace runspace = Runspace.DefaultRunspace;
            if (runspace == null) return;
            Owned owned;
            lock (Table)
            {
                if (!Table.TryGetValue(runspace, out owned))
                {
                    owned = new Owned();
                    Table.Add(runspace, owned);
                    runspace.StateChanged += (sender, e) =>
                    {
                        RunspaceState state = e.RunspaceStateInfo.State;
                        if (state == RunspaceState.Closing || state == RunspaceState.Closed || state == RunspaceState.Broken) DisconnectAll(owned);
                    };
                }
            }
            lock (owned.Connections)
            {
                owned.Connections.RemoveAll(c => !c.IsConnected);
                owned.Connections.Add(connection);
            }
        }

        public static void Remove(SmartCardConnection connection)
        {
            Runspace runspace = Runspace.DefaultRunspace;
            if (runspace == null || !Table.TryGetValue(runspace, out Owned owned)) return;
            lock (owned.Connections) owned.Connections.Remove(connection);
        }

        private static void DisconnectAll(Owned owned)
        {
            SmartCardConnection[] all;
            lock (owned.Connections)
            {
                all = owned.Connections.ToArray();
                owned.Connections.Clear();
            }
            foreach (SmartCardConnection c in all) c.Dispose();
        }
    }
}
