using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SmartCardPS.Udev;

namespace SmartCardPS.Tests.Support
{
    /// <summary>
    /// Empty tmpfs mounts over /etc/udev/rules.d and /run/udev (where `udevadm test` keeps its device database), as
    /// the New-SmartCardUdevRule Pester tests make them: inside the private mount namespace of tests/tools/ns-run.sh
    /// only this test run sees them, so the real udev reads the rules a test writes and the machine's stay as they
    /// are. Outside that namespace nothing is mounted and <see cref="Unavailable"/> says why.
    /// </summary>
    public sealed class UdevRulesTmpfs : IDisposable
    {
        public const string RulesDirectory = "/etc/udev/rules.d";
        private static readonly string[] Targets = { RulesDirectory, "/run/udev" };
        private readonly List<string> mounted = new List<string>();

        public UdevRulesTmpfs()
        {
            if (Environment.GetEnvironmentVariable("SMARTCARDPS_PCSC_NAMESPACE") != "1")
            {
                Unavailable = "the private mount namespace of tests/tools/ns-run.sh (to mount over /etc/udev/rules.d)";
                return;
            }
            if (!Directory.Exists(RulesDirectory) || Udevadm.Find() == null)
            {
                Unavailable = "udev (apt-get install udev)";
                return;
            }
            Directory.CreateDirectory("/run/udev");
            foreach (string target in Targets)
            {
                if (Programs.Run("mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", target) != 0)
                {
                    Unavailable = "a tmpfs over " + target;
                    Dispose();
                    return;
                }
                mounted.Add(target);
            }
        }

        /// <summary>Why the mounts could not be made; null when they are in place.</summary>
        public string Unavailable { get; }

        /// <summary>Empties the mounted rules directory, so each test starts with no rules.</summary>
        public void Clear()
        {
            if (!mounted.Contains(RulesDirectory)) throw new InvalidOperationException("No tmpfs over " + RulesDirectory);
            foreach (string entry in Directory.EnumerateFileSystemEntries(RulesDirectory).ToList()) File.Delete(entry);
        }

        public void Dispose()
        {
            for (int i = mounted.Count - 1; i >= 0; i--) Programs.Run("umount", mounted[i]);
            mounted.Clear();
        }
    }
}
