#pragma warning disable CA1416 // Unix file modes: the mode and owner tests skip on Windows
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmartCardPS.Nss;
using SmartCardPS.OpenSc;
using SmartCardPS.Os;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;
using SmartCardPS.Udev;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Os
{
    /// <summary>
    /// The one atomic writer every file-writing feature goes through, faulted in the middle of each writer's own
    /// write. The fault hook is set for this test's flow of execution alone, so writers in tests running alongside are
    /// untouched.
    /// </summary>
    public sealed class AtomicFileTests : IDisposable
    {
        private readonly string root = Path.Combine(Path.GetTempPath(), "smartcardps-atomic-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public AtomicFileTests() => Directory.CreateDirectory(root);

        public void Dispose()
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }

        // Each writer kind: the file it writes, valid old content, and its own write of new content.
        private (string File, string Old, Action Write) Writer(string kind)
        {
            switch (kind)
            {
                case "p11-kit module config":
                {
                    string file = Path.Combine(root, "opensc.module");
                    return (file, "# the admin's\nmodule: old.so\n", () => Pkcs11ConfigWriter.WriteAtomic(file, "module: new.so\n"));
                }
                case "opensc.conf":
                {
                    string file = Path.Combine(root, "opensc.conf");
                    return (file, "app default {\n\tdebug = 0;\n}\n", () =>
                    {
                        var conf = OpenScConfigFile.Load(file);
                        Assert.True(conf.Set(OpenScConfigFile.PcscPath, "enable_pinpad", "false"));
                        conf.Save();
                    });
                }
                case "udev rule":
                {
                    string file = Path.Combine(root, "99-reader.rules");
                    return (file, "# old rule\n", () => UdevRule.WriteFile(file, "# new rule\n" + new string('#', 8192) + "\n"));
                }
                case "pkcs11.txt":
                {
                    string file = Path.Combine(root, "pkcs11.txt");
                    return (file, "library=/old.so\nname=Old\n\n", () => NssModuleDatabase.Add(root, "New", "/usr/lib/new-pkcs11.so"));
                }
                case "policies.json":
                {
                    string file = Path.Combine(root, "policies.json");
                    return (file, "{\n  \"policies\": {}\n}\n", () => FirefoxPolicy.Set(file, "CAC Module", "/usr/lib/opensc-pkcs11.so"));
                }
                case "exported certificate":
                {
                    string file = Path.Combine(root, "cert.pem");
                    return (file, "-----BEGIN CERTIFICATE-----\nold\n", () => AtomicFile.Write(file, Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nnew\n"), NewFile.UserFile));
                }
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind));
            }
        }

        public static TheoryData<string, string> KindsAndStages()
        {
            var data = new TheoryData<string, string>();
            foreach (string kind in new[] { "p11-kit module config", "opensc.conf", "udev rule", "pkcs11.txt", "policies.json", "exported certificate" })
            {
                data.Add(kind, "partial");
                data.Add(kind, "written");
            }
            return data;
        }

        [Theory]
        [MemberData(nameof(KindsAndStages))]
        public void AFaultMidWriteLeavesTheOldFileWholeAndNoTemporaryFile(string kind, string stage)
        {
            var (file, old, write) = Writer(kind);
            File.WriteAllText(file, old);
            string seenTemp = null;
            AtomicFile.FaultPoint.Value = (at, temp) =>
            {
                if (at != stage || Path.GetDirectoryName(temp) != root) return;
                seenTemp = temp;
                Assert.StartsWith("." + Path.GetFileName(file) + ".", Path.GetFileName(temp));
                Assert.True(File.Exists(temp));
                Assert.Equal(old, File.ReadAllText(file));
                throw new IOException("injected fault at " + at);
            };
            try
            {
                Assert.Equal("injected fault at " + stage, Assert.Throws<IOException>(write).Message);
            }
            finally
            {
                AtomicFile.FaultPoint.Value = null;
            }
            Assert.NotNull(seenTemp);
            Assert.Equal(old, File.ReadAllText(file));
            Assert.Equal(new[] { file }, Directory.GetFiles(root));

            // And without the fault the same write goes through.
            write();
            Assert.NotEqual(old, File.ReadAllText(file));
            Assert.Equal(new[] { file }, Directory.GetFiles(root));
        }

        [Fact]
        public void AFaultSetByOneTestLeavesTheWritesOfTestsBesideItAlone()
        {
            string theirs = Path.Combine(root, "theirs.module"), ours = Path.Combine(root, "ours.module");
            Exception theirFailure = null;
            using (var go = new ManualResetEventSlim())
            {
                // Started first, as a test running alongside is: its flow never sees the seam set below.
                var beside = new Thread(() =>
                {
                    go.Wait();
                    try { Pkcs11ConfigWriter.WriteAtomic(theirs, "module: theirs.so\n"); }
                    catch (Exception ex) { theirFailure = ex; }
                });
                beside.Start();
                AtomicFile.FaultPoint.Value = (at, temp) => throw new IOException("injected fault at " + at);
                try
                {
                    go.Set();
                    Assert.True(beside.Join(TimeSpan.FromSeconds(10)));
                    Assert.Throws<IOException>(() => Pkcs11ConfigWriter.WriteAtomic(ours, "module: ours.so\n"));
                }
                finally
                {
                    AtomicFile.FaultPoint.Value = null;
                }
            }
            Assert.Null(theirFailure);
            Assert.Equal("module: theirs.so\n", File.ReadAllText(theirs));
            Assert.False(File.Exists(ours));
        }

        [SkippableFact]
        public void AFaultInANewFileRemovesTheDirectoriesItMade()
        {
            string file = Path.Combine(root, "a", "b", "policies.json");
            AtomicFile.FaultPoint.Value = (at, temp) =>
            {
                if (at == "written" && temp.StartsWith(root, StringComparison.Ordinal)) throw new IOException("injected");
            };
            try
            {
                Assert.Throws<IOException>(() => FirefoxPolicy.Set(file, "CAC Module", "/x.so"));
            }
            finally
            {
                AtomicFile.FaultPoint.Value = null;
            }
            Assert.Empty(Directory.GetFileSystemEntries(root));
        }

        [SkippableFact]
        public void ANewFileGetsItsModeExactlyAndAReplacedOneKeepsItsOwn()
        {
            Skip.If(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), "Unix modes");
            string file = Path.Combine(root, "new", "x.conf");
            AtomicFile.WriteText(file, "a\n", new NewFile { Mode = Convert.ToInt32("640", 8), CreateDirectories = true });
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(file));
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            AtomicFile.WriteText(file, "b\n", NewFile.Config);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead, File.GetUnixFileMode(file));
            Assert.Equal("b\n", File.ReadAllText(file));
        }

        [SkippableFact]
        public void AUserFileFollowsTheUmaskLikeAnyNewFile()
        {
            Skip.If(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), "Unix modes");
            string ours = Path.Combine(root, "ours.pem"), plain = Path.Combine(root, "plain.pem");
            AtomicFile.Write(ours, new byte[] { 1 }, NewFile.UserFile);
            File.WriteAllBytes(plain, new byte[] { 1 });
            Assert.Equal(File.GetUnixFileMode(plain), File.GetUnixFileMode(ours));
        }

        [Fact]
        public void WritesEmptyContentAndBytesAsGiven()
        {
            string file = Path.Combine(root, "empty");
            AtomicFile.Write(file, new byte[0], NewFile.UserFile);
            Assert.Equal(0, new FileInfo(file).Length);
            AtomicFile.WriteText(file, "\u00e9\n", NewFile.UserFile);
            Assert.Equal(new byte[] { 0xC3, 0xA9, 0x0A }, File.ReadAllBytes(file)); // UTF-8, no byte order mark
        }

        [SkippableFact]
        public void AsRootANewFileInAUsersDirectoryIsTheUsers()
        {
            Requires.Dependency(RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && UnixFile.IsRoot(), "root on Linux (to give a file away)");
            string profile = Path.Combine(root, "profile");
            Directory.CreateDirectory(profile);
            Assert.Equal(0, Programs.Run("chown", "64123:64124", profile));
            string owned = Path.Combine(profile, "pkcs11.txt"), plain = Path.Combine(profile, "cert.pem");
            // The directory is the user's, so root writes there only when told to (-Force); see AtomicFileSecurityTests.
            AtomicFile.Write(owned, new byte[] { 1 }, new NewFile { Mode = Convert.ToInt32("600", 8), OwnerFromDirectory = true, Force = true });
            AtomicFile.Write(plain, new byte[] { 1 }, NewFile.UserFile.WithForce(true));
            Assert.Equal("64123 64124 600", Stat(owned));
            Assert.StartsWith("0 0 ", Stat(plain));
        }

        [SkippableFact]
        public void ReadsOwnerModeAndKindAsStatDoes()
        {
            Requires.Dependency(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "Linux");
            string file = Path.Combine(root, "f");
            File.WriteAllText(file, "x");
            foreach (string mode in new[] { "0", "644", "4755", "2640", "1777", "7777" })
            {
                Assert.Equal(0, Programs.Run("chmod", mode, file));
                Assert.True(UnixStat.TryAt(Libc.Flags.AtFdCwd, file, out UnixStat stat, out _));
                Assert.True(stat.IsRegular);
                Assert.Equal(Stat(file), $"{stat.Uid} {stat.Gid} {Convert.ToString(stat.Permissions, 8)}");
            }
            Assert.True(UnixStat.TryAt(Libc.Flags.AtFdCwd, root, out UnixStat dir, out _));
            Assert.True(dir.IsDirectory);
            Assert.Equal(Stat(root).Split(' ')[2], Convert.ToString(dir.Permissions, 8));
            File.CreateSymbolicLink(Path.Combine(root, "link"), file);
            Assert.True(UnixStat.TryAt(Libc.Flags.AtFdCwd, Path.Combine(root, "link"), out UnixStat link, out _));
            Assert.True(link.IsSymbolicLink);
            Assert.False(UnixStat.TryAt(Libc.Flags.AtFdCwd, Path.Combine(root, "missing"), out _, out int errno));
            Assert.Equal(Libc.ENOENT, errno);
        }

        private const string OldModule = "# the administrator's comment\nmodule: old-pkcs11.so\npriority: 7\n";
        private static readonly string NewModule = "module: new-pkcs11.so\n" + new string('#', 4096) + "\n";

        [SkippableFact]
        [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
        public void CreatesDirectories0755AndTheFile0644AndLeavesNoTemporaryFile()
        {
            Skip.If(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), "Unix modes");
            string file = Path.Combine(root, "a", "b", "opensc.module");
            AtomicFile.WriteText(file, "module: opensc-pkcs11.so\n", NewFile.Config);
            Assert.Equal("module: opensc-pkcs11.so\n", File.ReadAllText(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(file));
            var dirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
                UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            Assert.Equal(dirMode, File.GetUnixFileMode(Path.Combine(root, "a")));
            Assert.Equal(dirMode, File.GetUnixFileMode(Path.Combine(root, "a", "b")));
            Assert.Equal(new[] { file }, Directory.GetFiles(Path.Combine(root, "a", "b")));
        }

        [Fact]
        public void AFailureLeavesNothingBehind()
        {
            Directory.CreateDirectory(root);
            // The target is an existing directory, so the final rename fails after the temporary file was written.
            string target = Path.Combine(root, "new", "taken.module");
            Directory.CreateDirectory(target);
            Assert.ThrowsAny<IOException>(() => AtomicFile.WriteText(target, "module: x.so\n", NewFile.Config));
            Assert.Empty(Directory.GetFiles(Path.Combine(root, "new")));
            // Directories the writer made are removed again: a name too long for the file system fails after them.
            string tooLong = Path.Combine(root, "made", "x", new string('a', 250) + ".module");
            Assert.ThrowsAny<IOException>(() => AtomicFile.WriteText(tooLong, "module: x.so\n", NewFile.Config));
            Assert.False(Directory.Exists(Path.Combine(root, "made")));
        }

        [Fact]
        public void AReplacementIsANewFileSoAReaderOfTheOldOneSeesItWhole()
        {
            // Copying over the target in place would change what an open reader sees; a rename never does.
            string file = Path.Combine(root, "opensc.module");
            AtomicFile.WriteText(file, OldModule, NewFile.Config);
            using (var reader = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                AtomicFile.WriteText(file, NewModule, NewFile.Config);
                Assert.Equal(OldModule, new StreamReader(reader).ReadToEnd());
            }
            Assert.Equal(NewModule, File.ReadAllText(file));
        }

        [SkippableFact]
        [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
        public void AReplacedFileKeepsItsModeAndOwner()
        {
            Requires.Dependency(RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && UnixFile.IsRoot(), "root on Linux (to give the file another owner)");
            string file = Path.Combine(root, "opensc.module");
            AtomicFile.WriteText(file, OldModule, NewFile.Config);
            Assert.Equal(0, Programs.Run("chown", "64123:64124", file));
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            AtomicFile.WriteText(file, NewModule, NewFile.Config);
            Assert.Equal(NewModule, File.ReadAllText(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(file));
            Assert.True(UnixStat.TryAt(Libc.Flags.AtFdCwd, file, out UnixStat stat, out _));
            Assert.Equal((64123, 64124), (stat.Uid, stat.Gid));
        }

        [Fact]
        public void ConcurrentWritersLeaveOneCompleteFileAndNoTemporaryFiles()
        {
            string file = Path.Combine(root, "opensc.module");
            string[] contents = Enumerable.Range(0, 8).Select(i => $"module: writer-{i}.so\n" + new string((char)('a' + i), 8192) + "\n").ToArray();
            // Racing to create the file: whoever comes second replaces it rather than failing.
            for (int round = 0; round < 50; round++)
            {
                if (File.Exists(file)) File.Delete(file);
                using (var start = new Barrier(contents.Length))
                {
                    Parallel.For(0, contents.Length, new ParallelOptions { MaxDegreeOfParallelism = contents.Length }, i =>
                    {
                        start.SignalAndWait();
                        AtomicFile.WriteText(file, contents[i], NewFile.Config);
                    });
                }
                Assert.Contains(File.ReadAllText(file), contents);
            }
            // Racing to replace it.
            Parallel.For(0, contents.Length, new ParallelOptions { MaxDegreeOfParallelism = contents.Length }, i =>
            {
                for (int n = 0; n < 10; n++)
                {
                    AtomicFile.WriteText(file, contents[i], NewFile.Config);
                    Assert.Contains(File.ReadAllText(file), contents);
                }
            });
            Assert.Contains(File.ReadAllText(file), contents);
            Assert.Equal(new[] { file }, Directory.GetFiles(root));
        }

        private static string Stat(string path)
        {
            var start = new ProcessStartInfo("stat") { RedirectStandardOutput = true };
            foreach (string a in new[] { "-c", "%u %g %a", path }) start.ArgumentList.Add(a);
            using (var p = Process.Start(start))
            {
                string output = p.StandardOutput.ReadToEnd().Trim();
                p.WaitForExit();
                return output;
            }
        }
    }
}
