using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using SmartCardPS.Tests.Support;
using SmartCardPS.Udev;
using Xunit;

namespace SmartCardPS.Tests.Udev
{
    /// <summary>
    /// Issue 22, step 1: the install New-SmartCardUdevRule ran itself, as a core service. The rules udev reads go to
    /// a tmpfs over /etc/udev/rules.d (<see cref="UdevRulesTmpfs"/>) and the real udevadm checks them; the others to
    /// a scratch directory.
    /// </summary>
    public sealed class UdevRuleInstallerTests : IClassFixture<UdevRulesTmpfs>, IDisposable
    {
        private const string SmargoLine = "SUBSYSTEM==\"tty\", ATTRS{idVendor}==\"0403\", ATTRS{idProduct}==\"6001\", " +
            "ATTRS{serial}==\"A1B2C3\", GROUP=\"dialout\", MODE=\"0660\", SYMLINK+=\"smargo\"";
        private const string InstalledFile = UdevRulesTmpfs.RulesDirectory + "/98-smargo.rules";

        private readonly UdevRulesTmpfs udev;
        private readonly string scratch = Path.Combine(Path.GetTempPath(), "smartcardps-udev-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        private readonly List<string> warnings = new List<string>();

        public UdevRuleInstallerTests(UdevRulesTmpfs udev)
        {
            this.udev = udev;
            Directory.CreateDirectory(scratch);
        }

        public void Dispose() => Directory.Delete(scratch, recursive: true);

        private static UdevRule Smargo(string group = "dialout", string serial = "A1B2C3", string mode = "0660") => new UdevRule
        {
            Name = "smargo", Subsystem = "tty", VendorId = "0403", ProductId = "6001", Serial = serial, Group = group,
            Mode = mode, Symlink = "smargo",
        };

        private string ScratchFile => Path.Combine(scratch, "98-smargo.rules");

        /// <summary>Skips (fails under CI) without the tmpfs over /etc/udev/rules.d, and empties it.</summary>
        private void RequireUdevRulesTmpfs()
        {
            Requires.Dependency(udev.Unavailable == null, udev.Unavailable);
            udev.Clear();
        }

        /// <summary>What `udevadm` writes to stderr, and its exit code: what the real tool says, to compare with.</summary>
        private static (int Code, string Stderr) Udevadm(params string[] arguments)
        {
            var start = new ProcessStartInfo(SmartCardPS.Udev.Udevadm.Find()) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string a in arguments) start.ArgumentList.Add(a);
            using (var p = Process.Start(start))
            {
                p.StandardOutput.ReadToEndAsync();
                string stderr = p.StandardError.ReadToEnd();
                p.WaitForExit();
                return (p.ExitCode, stderr);
            }
        }

        [Fact]
        public void PrepareWritesNothingAndGivesWhatToConfirm()
        {
            UdevRuleInstallPlan plan = new UdevRuleInstaller().Prepare(Smargo(), scratch, 98, force: false);
            Assert.Equal(ScratchFile, plan.Rule.Path);
            Assert.Equal(ScratchFile, plan.Target);
            Assert.Equal("Write the udev rule " + SmargoLine, plan.Action);
            Assert.Equal("# Written by SmartCardPS (New-SmartCardUdevRule) for smargo.\n" + SmargoLine + "\n", plan.Content);
            Assert.Null(plan.Previous);
            Assert.Empty(plan.Warnings);
            Assert.Empty(Directory.GetFileSystemEntries(scratch));
        }

        [Fact]
        public void PrepareWarnsForAWorldWritableModeAndForARuleWithoutASerial()
        {
            UdevRuleInstallPlan plan = new UdevRuleInstaller().Prepare(Smargo(serial: null, mode: "0666"), scratch, 98, false);
            Assert.Equal(2, plan.Warnings.Count);
            Assert.StartsWith("MODE=\"0666\" lets every user", plan.Warnings[0]);
            Assert.StartsWith("Without -Serial the rule matches every USB adapter 0403:6001", plan.Warnings[1]);
        }

        [Fact]
        public void PrepareRefusesAGroupThisMachineLacksUnlessForced()
        {
            var installer = new UdevRuleInstaller();
            var ex = Assert.Throws<UdevRuleException>(() => installer.Prepare(Smargo(group: "nosuchgroupsmartcardps"), scratch, 98, false));
            Assert.Equal(UdevRuleFailure.GroupNotFound, ex.Failure);
            Assert.Equal("nosuchgroupsmartcardps", ex.Target);
            Assert.Contains("getent group", ex.Message);
            Assert.Equal("nosuchgroupsmartcardps", installer.Prepare(Smargo(group: "nosuchgroupsmartcardps"), scratch, 98, true).Rule.Group);
        }

        [Fact]
        public void PrepareRefusesARuleThatWouldNotReadBackBeforeAnythingIsWritten()
        {
            UdevRule rule = Smargo();
            rule.Name = "u4\n";
            var ex = Assert.Throws<UdevRuleException>(() => new UdevRuleInstaller().Prepare(rule, scratch, 98, false));
            Assert.Equal(UdevRuleFailure.InvalidRule, ex.Failure);
            Assert.IsType<InvalidDataException>(ex.InnerException);
            Assert.Empty(Directory.GetFileSystemEntries(scratch));
        }

        [Fact]
        public void PrepareRefusesAFileWithOtherContentUnlessForced()
        {
            File.WriteAllText(ScratchFile, "# mine\n");
            var installer = new UdevRuleInstaller();
            var ex = Assert.Throws<UdevRuleException>(() => installer.Prepare(Smargo(), scratch, 98, false));
            Assert.Equal(UdevRuleFailure.FileExists, ex.Failure);
            Assert.Equal(ScratchFile, ex.Target);
            Assert.Contains("-Force", ex.Message);
            Assert.Equal("# mine\n", File.ReadAllText(ScratchFile));
            UdevRuleInstallPlan plan = installer.Prepare(Smargo(), scratch, 98, true);
            Assert.Equal("# mine\n", plan.Previous);
            installer.Install(plan, warnings.Add);
            Assert.Equal(plan.Content, File.ReadAllText(ScratchFile));
        }

        [Fact]
        public void WritesButDoesNotCheckARuleInADirectoryUdevDoesNotRead()
        {
            var installer = new UdevRuleInstaller();
            UdevRule rule = installer.Install(installer.Prepare(Smargo(), scratch, 98, false), warnings.Add);
            Assert.Contains(SmargoLine, File.ReadAllLines(ScratchFile));
            Assert.False(rule.Validated);
            Assert.False(rule.Applied);
            Assert.StartsWith($"udev does not read {scratch}, so the rule was not checked", Assert.Single(warnings));
        }

        [Fact]
        public void LeavesAFileThatAlreadyHoldsTheRuleUntouched()
        {
            var installer = new UdevRuleInstaller();
            installer.Install(installer.Prepare(Smargo(), scratch, 98, false), warnings.Add);
            var written = new DateTime(2001, 2, 3, 0, 0, 0, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(ScratchFile, written);
            UdevRuleInstallPlan again = installer.Prepare(Smargo(), scratch, 98, false);
            Assert.Equal(again.Content, again.Previous);
            installer.Install(again, warnings.Add);
            Assert.Equal(written, File.GetLastWriteTimeUtc(ScratchFile));
        }

        [SkippableFact]
        [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
        public void UdevReadsTheInstalledRuleWithoutComplaint()
        {
            RequireUdevRulesTmpfs();
            var installer = new UdevRuleInstaller();
            UdevRuleInstallPlan plan = installer.Prepare(Smargo(), null, 98, false);
            Assert.Equal(InstalledFile, plan.Rule.Path);
            UdevRule rule = installer.Install(plan, warnings.Add);
            Assert.True(rule.Validated);
            Assert.Contains(SmargoLine, File.ReadAllLines(InstalledFile));
            var mode644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            Assert.Equal(mode644, File.GetUnixFileMode(InstalledFile));
            Assert.Contains("Reading rules file: " + InstalledFile, Udevadm("test", "--action=add", "/sys/class/tty/tty").Stderr);
            // Where no udevd runs (here, a container), udevadm control fails: a warning, and the rule applies later.
            bool udevdRuns = Udevadm("control", "--ping").Code == 0;
            Assert.Equal(udevdRuns, rule.Applied);
            if (!udevdRuns) Assert.StartsWith("udevd did not reload its rules", Assert.Single(warnings));
        }

        [SkippableFact]
        public void PutsThePreviousStateBackWhenUdevRejectsTheRule()
        {
            RequireUdevRulesTmpfs();
            var installer = new UdevRuleInstaller();
            File.WriteAllText(InstalledFile, "# before\n");
            UdevRuleInstallPlan plan = installer.Prepare(Smargo(group: "nosuchgroupsmartcardps"), null, 98, true);
            var ex = Assert.Throws<UdevRuleException>(() => installer.Install(plan, warnings.Add));
            Assert.Equal(UdevRuleFailure.InvalidRule, ex.Failure);
            Assert.Equal(InstalledFile, ex.Target);
            Assert.Contains("Unknown group 'nosuchgroupsmartcardps'", ex.Message);
            Assert.Equal("# before\n", File.ReadAllText(InstalledFile));

            File.Delete(InstalledFile);
            plan = installer.Prepare(Smargo(group: "nosuchgroupsmartcardps"), null, 98, true);
            Assert.Throws<UdevRuleException>(() => installer.Install(plan, warnings.Add));
            Assert.False(File.Exists(InstalledFile));
            Assert.Empty(warnings);
        }

        [SkippableFact]
        public void WritesButNeitherChecksNorAppliesWithoutUdevadm()
        {
            RequireUdevRulesTmpfs();
            var installer = new UdevRuleInstaller(udevadm: null);
            UdevRule rule = installer.Install(installer.Prepare(Smargo(), null, 98, false), warnings.Add);
            Assert.Contains(SmargoLine, File.ReadAllLines(InstalledFile));
            Assert.False(rule.Validated);
            Assert.Equal("udevadm is not installed, so the rule was neither checked nor applied.", Assert.Single(warnings));
        }
    }
}
