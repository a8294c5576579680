using System;
using System.IO;
using System.Runtime.InteropServices;
using Xunit;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Tests
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
    }
}
