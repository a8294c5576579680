using System;
using System.Collections.Generic;
using System.Linq;

namespace SmartCardPS.Pcsc
{
    /// <summary>
    /// The connections this process has open, so that a sharing violation caused by our own exclusive connection
    /// is reported as ours rather than blamed on another program. Weak references: a connection nobody closed must
    /// still be finalized (and let go of the card), not kept alive by this list.
    /// </summary>
    internal static class OpenConnections
    {
        private static readonly List<WeakReference<SmartCardConnection>> All = new List<WeakReference<SmartCardConnection>>();

        public static void Add(SmartCardConnection connection)
        {
            lock (All)
            {
                All.RemoveAll(w => !w.TryGetTarget(out SmartCardConnection c) || !c.IsConnected);
                All.Add(new WeakReference<SmartCardConnection>(connection));
            }
        }

        public static void Remove(SmartCardConnection connection)
        {
            lock (All) All.RemoveAll(w => !w.TryGetTarget(out SmartCardConnection c) || ReferenceEquals(c, connection));
        }

        /// <summary>This process's open connections to <paramref name="reader"/>.</summary>
        public static List<SmartCardConnection> To(string reader)
        {
            lock (All)
            {
                return All.Select(w => w.TryGetTarget(out SmartCardConnection c) ? c : null)
                    .Where(c => c != null && c.IsConnected && string.Equals(c.Reader, reader, StringComparison.Ordinal)).ToList();
            }
        }
    }
}
