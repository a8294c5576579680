using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System;
using SmartCardPS.Nss;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Nss
{
    public class FirefoxProfilesTests : IDisposable
    {
        private readonly string root = Path.Combine(Path.GetTempPath(), "smartcardps-ff-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public FirefoxProfilesTests()
        {
            Directory.CreateDirectory(root);
        }

        public void Dispose() => Directory.Delete(root, true);

        private void Write(string ini, params string[] profileDirs)
        {
            File.WriteAllText(Path.Combine(root, "profiles.ini"), ini);
            foreach (string d in profileDirs) Directory.CreateDirectory(Path.Combine(root, d));
        }

        [Fact]
        public void TheInstallSectionsDefaultWinsOverDefault1()
        {
            Write("[Install4F96D1932A9F858E]\nDefault=b.release\nLocked=1\n\n[Profile1]\nName=old\nIsRelative=1\nPath=a.default\nDefault=1\n\n[Profile0]\nName=release\nIsRelative=1\nPath=b.release\n\n[General]\nStartWithLastProfile=1\nVersion=2\n",
                "a.default", "b.release");
            var profiles = FirefoxProfiles.Read(root);
            Assert.Equal(new[] { "old", "release" }, profiles.Select(p => p.Name));
            Assert.Equal(new[] { false, true }, profiles.Select(p => p.IsDefault));
            Assert.Equal(Path.Combine(root, "b.release"), profiles[1].Path);
            Assert.All(profiles, p => Assert.Equal(root, p.Root));
        }

        [Fact]
        public void Default1IsTheDefaultWithoutAnInstallSection()
        {
            Write("[Profile0]\r\nName=one\r\nIsRelative=1\r\nPath=x.one\r\n\r\n[Profile1]\r\nName=abs\r\nIsRelative=0\r\nPath=" + root + "/elsewhere\r\nDefault=1\r\n", "x.one", "elsewhere");
            var profiles = FirefoxProfiles.Read(root);
            Assert.Equal(new[] { false, true }, profiles.Select(p => p.IsDefault));
            Assert.Equal(root + "/elsewhere", profiles[1].Path);
        }

        [Fact]
        public void TheFlavorComesFromCompatibilityIni()
        {
            Write("[Profile0]\nName=esr\nIsRelative=1\nPath=e\n[Profile1]\nName=plain\nIsRelative=1\nPath=p\n", "e", "p");
            File.WriteAllText(Path.Combine(root, "e", "compatibility.ini"), "[Compatibility]\nLastVersion=153.8.0_20261117185949/20261117185949\nLastPlatformDir=/usr/lib/firefox-esr\n");
            File.WriteAllText(Path.Combine(root, "p", "compatibility.ini"), "[Compatibility]\nLastPlatformDir=/usr/lib/firefox\n");
            Assert.Equal(new[] { FirefoxFlavor.ESR, FirefoxFlavor.Firefox }, FirefoxProfiles.Read(root).Select(p => p.Flavor));
            Assert.Equal(FirefoxFlavor.Snap, FirefoxProfiles.Read(root, FirefoxFlavor.Snap)[0].Flavor);
        }

        /// <summary>
        /// A running Firefox is the holder of an fcntl write lock on .parentlock; the lock symlink a clean exit
        /// leaves behind must not count. python3's lockf takes the same kind of lock Firefox does.
        /// </summary>
        [SkippableFact]
        public void RunningMeansAProcessHoldsTheParentlockFcntlLock()
        {
            Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && File.Exists("/usr/bin/python3"), "Linux with python3");
            Write("[Profile0]\nName=p\nIsRelative=1\nPath=p\nDefault=1\n", "p");
            string dir = Path.Combine(root, "p");
            File.CreateSymbolicLink(Path.Combine(dir, "lock"), "127.0.0.1:+4242");
            File.WriteAllText(Path.Combine(dir, ".parentlock"), "");
            Assert.False(FirefoxProfiles.Read(root)[0].IsRunning);

            using (var holder = NssTools.HoldParentLock(dir))
            {
                FirefoxProfile running = FirefoxProfiles.Read(root)[0];
                Assert.True(running.IsRunning);
                Assert.Equal(holder.Id, running.ProcessId);
                holder.StandardInput.Close();
                holder.WaitForExit();
            }
            FirefoxProfile stopped = FirefoxProfiles.Read(root)[0];
            Assert.False(stopped.IsRunning);
            Assert.Equal(0, stopped.ProcessId);
        }
    }
}
