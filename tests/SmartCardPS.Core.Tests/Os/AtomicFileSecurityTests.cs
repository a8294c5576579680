#pragma warning disable CA1416 // Unix owners, modes and links: these tests need root on Linux
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using SmartCardPS.Os;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;
using SmartCardPS.TestFixture;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Os
{
    /// <summary>
    /// Root writing into a directory that a hostile user owns (issue: running as root over files other users control
    /// must never hand them root). The attacker is a real process of another uid racing every file with inotify.
    /// </summary>
    public sealed class AtomicFileSecurityTests : IDisposable
    {
        private const int Rounds = 20;
        private readonly string root = Path.Combine(Path.GetTempPath(), "smartcardps-secure-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public AtomicFileSecurityTests() => Directory.CreateDirectory(root);

        public void Dispose()
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }

        private static void RequireRootOnLinux() =>
            Requires.Dependency(RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && UnixFile.IsRoot(), "root on Linux (to write as root into another user's directory)");

        /// <summary>A directory owned by the test user, as a profile or home directory is.</summary>
        private string UserDirectory(string name = "user")
        {
            string dir = Path.Combine(root, name);
            Directory.CreateDirectory(dir);
            Sh($"chown {FileAttacker.Uid}:{FileAttacker.Uid} '{dir}'");
            return dir;
        }

        private static string Sh(string command) => FileAttacker.Shell(command);

        // "replace" and "user's new file" end as the user's own files (their owner, or their directory's), which the
        // user may open anyway; "root's new file" (an export) stays root's, so no descriptor to it may reach the user.
        [SkippableTheory]
        [InlineData("replace")]
        [InlineData("user's new file")]
        [InlineData("root's new file")]
        [InlineData("new directory")]
        public void ARacingUserNeverGetsRootToTouchAnotherFileOrKeepAWritableDescriptor(string kind)
        {
            RequireRootOnLinux();
            Requires.Dependency(FileAttacker.Unavailable() == null, FileAttacker.Unavailable() ?? "");
            using (FileAttacker attacker = FileAttacker.Start())
            {
                string before = attacker.VictimState;
                var newFile = new NewFile { Mode = 0x1A4, CreateDirectories = true, OwnerFromDirectory = kind != "root's new file", Force = true };
                int written = 0, refused = 0;
                // Each round root waits, right after making the temporary file (or a directory), until the attacker has
                // made its move: the window that a chown or chmod by path would leave open is always raced.
                long seen = 0;
                AtomicFile.FaultPoint.Value = (stage, path) =>
                {
                    if (path.StartsWith(attacker.Directory + "/", StringComparison.Ordinal) && Path.GetDirectoryName(path) == attacker.Directory
                        && (stage == "partial" || stage == "directory"))
                        attacker.WaitForEvents(++seen, TimeSpan.FromSeconds(2));
                };
                for (int round = 0; round < Rounds; round++)
                {
                    string file = kind == "new directory" ? Path.Combine(attacker.Directory, "sub" + round, "pkcs11.txt")
                        : kind == "replace" ? Path.Combine(attacker.Directory, "pkcs11.txt")
                        : Path.Combine(attacker.Directory, $"new{round}.txt");
                    if (kind == "replace")
                    {
                        // The user's own file, as a profile's pkcs11.txt is (each round, since a refused round leaves the user's link).
                        Sh($"rm -f '{file}'; echo old > '{file}'; chown {FileAttacker.Uid} '{file}'; chmod 0640 '{file}'");
                    }
                    try
                    {
                        AtomicFile.WriteText(file, "round " + round + "\n", newFile);
                        written++;
                        // Success means the file is the one written: never the attacker's link.
                        Assert.Null(UnixFile.ReadLink(file));
                        Assert.StartsWith("round " + round + "\n", File.ReadAllText(file));
                    }
                    catch (UnsafePathException)
                    {
                        refused++;
                    }
                    Assert.Equal(before, attacker.VictimState);
                    if (kind == "root's new file" && File.Exists(file) && UnixFile.ReadLink(file) == null) Assert.Equal("0 644", FileAttacker.Stat(file));
                }
                AtomicFile.FaultPoint.Value = null;
                var stats = attacker.Stats;
                Assert.True(stats["events"] >= Rounds, $"The attacker saw only {stats["events"]} of {Rounds} files: it did not race.");
                Assert.True(stats["swaps"] >= Rounds, $"The attacker swapped only {stats["swaps"]} times in {Rounds} rounds: it did not race.");
                Assert.Equal(Rounds, refused); // every round was raced, and a raced write is refused, never reported done
                if (kind == "root's new file") Assert.Equal(0, stats["opened"]);
                Assert.Equal(Rounds, written + refused);
            }
        }

        [SkippableFact]
        public void AUserWatchingARootDirectoryNeverOpensRootsNewFileForWriting()
        {
            RequireRootOnLinux();
            Requires.Dependency(FileAttacker.Unavailable() == null, FileAttacker.Unavailable() ?? "");
            using (FileAttacker attacker = FileAttacker.Start(rootOwned: true))
            {
                for (int round = 0; round < Rounds; round++)
                {
                    // A udev rule made 0644 in a root directory that the user can read and watch, but not write.
                    AtomicFile.WriteText(Path.Combine(attacker.Directory, $"98-r{round}.rules"), "# rule\n", NewFile.Config);
                    attacker.WaitForEvents(round + 1, TimeSpan.FromSeconds(2));
                }
                Assert.True(attacker.Stats["events"] >= Rounds, "The attacker did not see the files.");
                Assert.Equal(0, attacker.Stats["opened"]);
                Assert.All(Directory.GetFiles(attacker.Directory), f => Assert.Equal("# rule\n", File.ReadAllText(f)));
            }
        }

        [SkippableFact]
        public void AsRootADirectoryAnotherUserCanWriteIsRefusedWithoutForce()
        {
            RequireRootOnLinux();
            string dir = UserDirectory();
            var ex = Assert.Throws<UnsafePathException>(() => AtomicFile.WriteText(Path.Combine(dir, "pkcs11.txt"), "x", NewFile.Config));
            Assert.Equal(UnsafePathReason.UntrustedDirectory, ex.Reason);
            Assert.Contains("-Force", ex.Message);
            Assert.Empty(Directory.GetFileSystemEntries(dir));
            // A world-writable directory without the sticky bit is as unsafe; /tmp's sticky bit makes it safe.
            string shared = Path.Combine(root, "shared");
            Directory.CreateDirectory(shared);
            Sh($"chmod 0777 '{shared}'");
            Assert.Throws<UnsafePathException>(() => AtomicFile.WriteText(Path.Combine(shared, "f"), "x", NewFile.Config));
            Sh($"chmod 1777 '{shared}'");
            AtomicFile.WriteText(Path.Combine(shared, "f"), "x", NewFile.Config);
            Assert.Equal("x", File.ReadAllText(Path.Combine(shared, "f")));
            // A root-owned directory its group can write: every member of the group could swap the file.
            string grouped = Path.Combine(root, "grouped");
            Directory.CreateDirectory(grouped);
            Sh($"chmod 0775 '{grouped}'");
            Assert.Equal(UnsafePathReason.UntrustedDirectory,
                Assert.Throws<UnsafePathException>(() => AtomicFile.WriteText(Path.Combine(grouped, "f"), "x", NewFile.Config)).Reason);
        }

        [SkippableTheory]
        [InlineData("root-only file")]
        [InlineData("setuid binary")]
        public void ALinkAUserPlacedIsNeverWrittenThroughOrCopied(string kind)
        {
            RequireRootOnLinux();
            string dir = UserDirectory();
            string target = Path.Combine(root, "target");
            if (kind == "root-only file") { File.WriteAllText(target, "root:secret\n"); Sh($"chmod 0600 '{target}'"); }
            else { File.Copy("/bin/true", target); Sh($"chmod 4755 '{target}'"); }
            byte[] targetBefore = File.ReadAllBytes(target);
            string link = Path.Combine(dir, "pkcs11.txt");
            Sh($"setpriv --reuid={FileAttacker.Uid} --regid={FileAttacker.Uid} --clear-groups ln -s '{target}' '{link}'");
            var ex = Assert.Throws<UnsafePathException>(() =>
                AtomicFile.Update(link, new NewFile { Mode = 0x180, Force = true }, old => System.Text.Encoding.UTF8.GetBytes("library=x\n")));
            Assert.Equal(UnsafePathReason.SymbolicLink, ex.Reason);
            Assert.Equal(target, UnixFile.ReadLink(link));
            Assert.Equal(targetBefore, File.ReadAllBytes(target));
            Assert.Equal(kind == "root-only file" ? "0 600" : "0 4755", FileAttacker.Stat(target));
            Assert.Single(Directory.GetFileSystemEntries(dir));
        }

        [SkippableFact]
        public void ADirectoryLinkAUserPlacedIsNotFollowedButRootsOwnLinksAre()
        {
            RequireRootOnLinux();
            string dir = UserDirectory();
            string elsewhere = Path.Combine(root, "elsewhere");
            Directory.CreateDirectory(elsewhere);
            Sh($"setpriv --reuid={FileAttacker.Uid} --regid={FileAttacker.Uid} --clear-groups ln -s '{elsewhere}' '{dir}/db'");
            var ex = Assert.Throws<UnsafePathException>(() => AtomicFile.WriteText(Path.Combine(dir, "db", "pkcs11.txt"), "x", NewFile.Config.WithForce(true)));
            Assert.Equal(UnsafePathReason.SymbolicLink, ex.Reason);
            Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
            // A link root made in root's own directory is an admin's layout (/etc/opensc.conf -> opensc/opensc.conf): followed.
            string real = Path.Combine(root, "real.conf");
            File.WriteAllText(real, "old");
            File.CreateSymbolicLink(Path.Combine(root, "linked.conf"), "real.conf");
            AtomicFile.WriteText(Path.Combine(root, "linked.conf"), "new", NewFile.Config);
            Assert.Equal("new", File.ReadAllText(real));
            Assert.Equal("real.conf", UnixFile.ReadLink(Path.Combine(root, "linked.conf")));
        }

        [SkippableTheory]
        [InlineData("fifo")]
        [InlineData("device")]
        [InlineData("directory")]
        public void ASpecialFileIsNeitherOpenedBlockingNorReplaced(string kind)
        {
            RequireRootOnLinux();
            string file = Path.Combine(root, "pkcs11.txt");
            if (kind == "fifo") Sh($"mkfifo '{file}'");
            else if (kind == "device") File.CreateSymbolicLink(file, "/dev/zero");
            else Directory.CreateDirectory(file);
            var clock = Stopwatch.StartNew();
            var read = Task.Run(() => Assert.Throws<UnsafePathException>(() => SafeFile.ReadBytes(file)));
            Assert.True(read.Wait(TimeSpan.FromSeconds(5)), "SafeFile.ReadBytes hung on a " + kind);
            Assert.Equal(UnsafePathReason.NotRegularFile, read.Result.Reason);
            var write = Task.Run(() => Assert.Throws<UnsafePathException>(() => AtomicFile.Update(file, NewFile.Config, old => new byte[] { 1 })));
            Assert.True(write.Wait(TimeSpan.FromSeconds(5)), "AtomicFile.Update hung on a " + kind);
            Assert.Equal(UnsafePathReason.NotRegularFile, write.Result.Reason);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
            Assert.Equal(kind == "directory", Directory.Exists(file));
        }

        [SkippableFact]
        public void AP11KitConfigThatIsADeviceIsAnErrorNotAnOutOfMemory()
        {
            Skip.If(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), "Unix devices");
            string file = Path.Combine(root, "zero.module");
            File.CreateSymbolicLink(file, "/dev/zero");
            Assert.Null(Pkcs11ConfigParser.ParseFile(file, out string error));
            Assert.Contains("not a regular file", error);
        }

        [SkippableFact]
        public void TheTemporaryFileIsPrivateWhateverTheUmaskAndSetIdBitsAreNeverCopied()
        {
            RequireRootOnLinux();
            string file = Path.Combine(root, "99-reader.rules");
            File.WriteAllText(file, "old");
            Sh($"chmod 6755 '{file}'");
            string tempMode = null;
            AtomicFile.FaultPoint.Value = (stage, temp) => { if (stage == "partial") tempMode = FileAttacker.Stat(temp); };
            try
            {
                AtomicFile.WriteText(file, "new", NewFile.Config);
            }
            finally
            {
                AtomicFile.FaultPoint.Value = null;
            }
            Assert.Equal("0 600", tempMode);
            Assert.Equal("0 755", FileAttacker.Stat(file));
        }

        [SkippableFact]
        public void AReadOnlyFileIsReplacedOnlyWithForce()
        {
            Skip.If(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), "Unix modes");
            string file = Path.Combine(root, "policies.json");
            File.WriteAllText(file, "{}");
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var ex = Assert.Throws<UnsafePathException>(() => AtomicFile.WriteText(file, "{\"policies\":{}}", NewFile.Config));
            Assert.Equal(UnsafePathReason.ReadOnly, ex.Reason);
            Assert.Contains("0444", ex.Message);
            Assert.Equal("{}", File.ReadAllText(file));
            AtomicFile.WriteText(file, "{\"policies\":{}}", NewFile.Config.WithForce(true));
            Assert.Equal("{\"policies\":{}}", File.ReadAllText(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(file));
        }

        [SkippableFact]
        public void AHardLinkInAUsersDirectoryIsRefused()
        {
            RequireRootOnLinux();
            string dir = UserDirectory();
            string target = Path.Combine(dir, "innocent");
            File.WriteAllText(target, "library=x\n");
            Sh($"ln '{target}' '{dir}/pkcs11.txt'");
            var ex = Assert.Throws<UnsafePathException>(() => AtomicFile.WriteText(Path.Combine(dir, "pkcs11.txt"), "new", NewFile.Config.WithForce(true)));
            Assert.Equal(UnsafePathReason.HardLink, ex.Reason);
            Assert.Equal("library=x\n", File.ReadAllText(target));
        }

        [SkippableFact]
        public void ExtendedAttributesSuchAsAclsAndLabelsAreKept()
        {
            Requires.Dependency(RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && File.Exists("/usr/bin/setfattr"), "setfattr (apt-get install attr)");
            string file = Path.Combine(root, "opensc.conf");
            File.WriteAllText(file, "old");
            Sh($"setfattr -n user.smartcardps -v kept '{file}'");
            bool acl = File.Exists("/usr/bin/setfacl");
            if (acl) Sh($"setfacl -m u:{FileAttacker.Uid}:r '{file}'");
            AtomicFile.WriteText(file, "new", NewFile.Config);
            Assert.Contains("kept", Sh($"getfattr -n user.smartcardps --only-values '{file}'"));
            Requires.Dependency(acl, "setfacl (apt-get install acl)");
            Assert.Contains($"user:{FileAttacker.Uid}:r--", Sh($"getfacl -n '{file}'"));
        }

        [SkippableFact]
        public void ConcurrentReadModifyWritesLoseNoUpdate()
        {
            Skip.If(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), "checked on Unix");
            string file = Path.Combine(root, "pkcs11.txt");
            const int Writers = 8, Each = 10;
            Parallel.For(0, Writers, new ParallelOptions { MaxDegreeOfParallelism = Writers }, w =>
            {
                for (int i = 0; i < Each; i++)
                {
                    AtomicFile.Update(file, NewFile.Config, old =>
                    {
                        string text = old == null ? "" : System.Text.Encoding.UTF8.GetString(old);
                        Thread.Sleep(1); // widen the read-modify-write window, as a slow disk would
                        return System.Text.Encoding.UTF8.GetBytes(text + $"w{w}-{i}\n");
                    });
                }
            });
            Assert.Equal(Writers * Each, File.ReadAllLines(file).Distinct().Count());
        }

        [SkippableFact]
        public void AWriterWaitsForTheLockAndGivesUpWithAClearError()
        {
            Skip.If(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), "flock on Unix");
            string file = Path.Combine(root, "opensc.conf");
            var holding = new ManualResetEventSlim();
            var release = new ManualResetEventSlim();
            var holder = Task.Run(() => AtomicFile.Update(file, NewFile.Config, old => { holding.Set(); release.Wait(); return new byte[] { 1 }; }));
            Assert.True(holding.Wait(TimeSpan.FromSeconds(5)));
            var second = Task.Run(() => AtomicFile.Update(file, NewFile.Config, old => new byte[] { (byte)(old[0] + 1) }));
            Thread.Sleep(200);
            Assert.False(second.IsCompleted, "the second writer did not wait for the first");
            release.Set();
            holder.Wait();
            second.Wait(TimeSpan.FromSeconds(5));
            Assert.Equal(new byte[] { 2 }, File.ReadAllBytes(file));
        }
    }
}
