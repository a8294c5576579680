using System;
using System.Collections.Generic;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// Who in this process uses the user login of each token of one library. PKCS#11 login belongs to the application,
    /// not to a session: one runspace logging out would log out every other one in the middle of its reads (their
    /// private object handles turn invalid). So the first user logs in, later users share that login, and the last one
    /// to leave logs out.
    /// </summary>
    internal sealed class SharedTokenLogins
    {
        private readonly object gate = new object();
        private readonly Dictionary<ulong, int> users = new Dictionary<ulong, int>();

        /// <summary>
        /// True when the caller now shares our login of the token in <paramref name="slotId"/> and must Leave; false when
        /// <paramref name="login"/> found the token logged in by someone else in the process, whose login is not ours to end.
        /// </summary>
        public bool Enter(ulong slotId, Func<bool> login)
        {
            lock (gate)
            {
                if (users.TryGetValue(slotId, out int count))
                {
                    users[slotId] = count + 1;
                    return true;
                }
                if (!login()) return false;
                users[slotId] = 1;
                return true;
            }
        }

        /// <summary>Gives up a share that Enter gave; the last one runs <paramref name="logout"/>.</summary>
        public void Leave(ulong slotId, Action logout)
        {
            lock (gate)
            {
                if (!users.TryGetValue(slotId, out int count)) return;
                if (count > 1)
                {
                    users[slotId] = count - 1;
                    return;
                }
                users.Remove(slotId);
                logout();
            }
        }
    }
}
