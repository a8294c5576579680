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
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.P11Kit
{
    public sealed class Pkcs11ConfigWriterTests : IDisposable
    {
        private readonly string root = Path.Combine(Path.GetTempPath(), "smartcardps-writer-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public void Dispose()
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }

        [Fact]
        public void RendersTheArchWikiLineAndTheOptionalSettings()
        {
            Assert.EndsWith("\nmodule: opensc-pkcs11.so\n", Pkcs11ConfigWriter.Render("opensc-pkcs11.so", null, null, null));
            string full = Pkcs11ConfigWriter.Render("/x/opensc-pkcs11.so", 10, new[] { "p11tool", "gnutls-cli" }, new[] { "firefox" });
            var settings = Pkcs11ConfigParser.Parse(full, out string error);
            Assert.Null(error);
            Assert.Equal("/x/opensc-pkcs11.so", settings["module"]);
            Assert.Equal("10", settings["priority"]);
            Assert.Equal(new[] { "p11tool", "gnutls-cli" }, Pkcs11ConfigParser.List(settings["enable-in"]));
            Assert.Equal("firefox", settings["disable-in"]);
        }

        [SkippableFact]
        [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
        public void CreatesDirectories0755AndTheFile0644AndLeavesNoTemporaryFile()
        {
            Skip.If(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), "Unix modes");
            string file = Path.Combine(root, "a", "b", "opensc.module");
            Pkcs11ConfigWriter.WriteAtomic(file, "module: opensc-pkcs11.so\n");
            Assert.Equal("module: opensc-pkcs11.so\n", File.ReadAllText(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(file));
            var dirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
                UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            Assert.Equal(dirMode, File.GetUnixFileMode(Path.Combine(root, "a")));
            Assert.Equal(dirMode, File.GetUnixFileMode(Path.Combine(root, "a", "b")));
            Assert.Equal(new[] { file }, Directory.GetFiles(Path.Combine(root, "a", "b")));
        }

        [Fact]
        public void ReplacesAnExistingFile()
        {
            string file = Path.Combine(root, "opensc.module");
            Pkcs11ConfigWriter.WriteAtomic(file, "module: old.so\n");
            Pkcs11ConfigWriter.WriteAtomic(file, "module: new.so\n");
            Assert.Equal("module: new.so\n", File.ReadAllText(file));
            Assert.Single(Directory.GetFiles(root));
        }

        [Fact]
        public void AFailureLeavesNothingBehind()
        {
            Directory.CreateDirectory(root);
            // The target is an existing directory, so the final rename fails after the temporary file was written.
            string target = Path.Combine(root, "new", "taken.module");
            Directory.CreateDirectory(target);
            Assert.ThrowsAny<IOException>(() => Pkcs11ConfigWriter.WriteAtomic(target, "module: x.so\n"));
            Assert.Empty(Directory.GetFiles(Path.Combine(root, "new")));
            // Directories the writer made are removed again: a name too long for the file system fails after them.
            string tooLong = Path.Combine(root, "made", "x", new string('a', 250) + ".module");
            Assert.ThrowsAny<IOException>(() => Pkcs11ConfigWriter.WriteAtomic(tooLong, "module: x.so\n"));
            Assert.False(Directory.Exists(Path.Combine(root, "made")));
        }

        private const string Old = "# the administrator's comment\nmodule: old-pkcs11.so\npriority: 7\n";
        private static readonly string New = "module: new-pkcs11.so\n" + new string('#', 4096) + "\n";

        [Theory]
        [InlineData("partial")]
        [InlineData("written")]
        public void AFaultMidWriteLeavesTheCompleteOldFileAndNoTemporaryFile(string stage)
        {
            string file = Path.Combine(root, "opensc.module");
            Pkcs11ConfigWriter.WriteAtomic(file, Old);
            string seenTemp = null;
            AtomicFile.FaultPoint.Value = (at, temp) =>
            {
                if (at != stage) return;
                seenTemp = temp;
                // What a reader (or a crash) would find at this moment: the target still complete and old.
                Assert.Equal(Old, File.ReadAllText(file));
                throw new IOException("injected fault at " + at);
            };
            try
            {
                var ex = Assert.Throws<IOException>(() => Pkcs11ConfigWriter.WriteAtomic(file, New));
                Assert.Equal("injected fault at " + stage, ex.Message);
            }
            finally
            {
                AtomicFile.FaultPoint.Value = null;
            }
            Assert.NotNull(seenTemp);
            Assert.Equal(Old, File.ReadAllText(file));
            Assert.Equal(new[] { file }, Directory.GetFiles(root));
        }

        [Fact]
        public void AReplacementIsANewFileSoAReaderOfTheOldOneSeesItWhole()
        {
            // Copying over the target in place would change what an open reader sees; a rename never does.
            string file = Path.Combine(root, "opensc.module");
            Pkcs11ConfigWriter.WriteAtomic(file, Old);
            using (var reader = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                Pkcs11ConfigWriter.WriteAtomic(file, New);
                Assert.Equal(Old, new StreamReader(reader).ReadToEnd());
            }
            Assert.Equal(New, File.ReadAllText(file));
        }

        [SkippableFact]
        [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
        public void AReplacedFileKeepsItsModeAndOwner()
        {
            Requires.Dependency(RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && UnixFile.IsRoot(), "root on Linux (to give the file another owner)");
            string file = Path.Combine(root, "opensc.module");
            Pkcs11ConfigWriter.WriteAtomic(file, Old);
            Assert.Equal(0, Programs.Run("chown", "64123:64124", file));
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            Pkcs11ConfigWriter.WriteAtomic(file, New);
            Assert.Equal(New, File.ReadAllText(file));
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
                        Pkcs11ConfigWriter.WriteAtomic(file, contents[i]);
                    });
                }
                Assert.Contains(File.ReadAllText(file), contents);
            }
            // Racing to replace it.
            Parallel.For(0, contents.Length, new ParallelOptions { MaxDegreeOfParallelism = contents.Length }, i =>
            {
                for (int n = 0; n < 10; n++)
                {
                    Pkcs11ConfigWriter.WriteAtomic(file, contents[i]);
                    Assert.Contains(File.ReadAllText(file), contents);
                }
            });
            Assert.Contains(File.ReadAllText(file), contents);
            Assert.Equal(new[] { file }, Directory.GetFiles(root));
        }
    }
}
