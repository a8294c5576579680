using System;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.Udev
{
    /// <summary>
    /// Whether the group a rule gives a device exists here. udevadm test catches a missing one only for a rules
    /// directory udev reads and only when udevadm is installed; elsewhere the rule was written and the device kept
    /// root's group, which no one noticed until the reader was refused.
    /// </summary>
    public static class UdevGroup
    {
        /// <summary>Why <paramref name="group"/> cannot own the device, or null when it exists (or cannot be looked up here).</summary>
        public static string Problem(string group)
        {
            if (group == null || !Libc.IsLinux) return null;
            // getgrnam asks NSS, so groups from LDAP or sssd count as getent shows them.
            if (Libc.getgrnam(group) != IntPtr.Zero) return null;
            return $"There is no group {UntrustedText.Quote(group)} on this machine (getent group {UntrustedText.Escape(group)} finds none), so udev would leave the device to root; nothing was written. "
                + "Create it (groupadd), choose another -Group such as dialout, or add -Force for a rule meant for a machine that has it.";
        }
    }
}
