#pragma warning disable CA1416 // Unix file modes: these tests run on Linux
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System;
using SmartCardPS.Nss;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Nss
{
    /// <summary>pkcs11.txt read as NSS reads it: every case is checked against modutil on a real database.</summary>
    public class NssModuleFileTests : IDisposable
    {
        private readonly List<string> dirs = new List<string>();

        public void Dispose()
        {
            foreach (string d in dirs) Directory.Delete(d, true);
        }

        private string NewDatabase()
        {
            Skip.IfNot(NssTools.Available, "libnss3-tools (certutil, modutil) is not installed");
            string dir = NssTools.NewDatabase();
            dirs.Add(dir);
            return dir;
        }

        /// <summary>Appends raw bytes after the internal module certutil wrote, then compares our reading with modutil's.</summary>
        private List<NssModule> AssertReadsLikeNss(string appended)
        {
            string dir = NewDatabase();
            using (var f = new FileStream(Path.Combine(dir, "pkcs11.txt"), FileMode.Append))
            {
                byte[] bytes = Encoding.UTF8.GetBytes(appended);
                f.Write(bytes, 0, bytes.Length);
            }
            var ours = NssModuleFile.Read(dir).Modules;
            Assert.True(ours[0].IsInternal);
            Assert.Equal("NSS Internal PKCS #11 Module", ours[0].Name);
            var mine = ours.Skip(1).Select(m => NssTools.AsLatin1(m.ModuleSpec)).ToList();
            Assert.Equal(NssTools.RawList(dir), mine);
            var listed = NssTools.List(dir);
            Assert.Equal(listed.Select(l => l.Key), ours.Skip(1).Select(m => NssTools.AsLatin1(m.Name)));
            Assert.Equal(listed.Select(l => l.Value), ours.Skip(1).Select(m => NssTools.AsLatin1(m.Library)));
            return ours.Skip(1).ToList();
        }

        [SkippableFact]
        public void ModulesAddedByModutilReadAsModutilRawlistPrintsThem()
        {
            string dir = NewDatabase();
            NssTools.Run("modutil", "-dbdir", "sql:" + dir, "-force", "-add", "Soft HSM", "-libfile", "/usr/lib/softhsm/libsofthsm2.so");
            NssTools.Run("modutil", "-dbdir", "sql:" + dir, "-force", "-add", "Spy \"quoted\"", "-libfile", "/usr/lib/x86_64-linux-gnu/pkcs11/onepin-opensc-pkcs11.so", "-mechanisms", "RSA:AES");
            var modules = NssModuleFile.Read(dir).Modules;
            Assert.Equal(new[] { "NSS Internal PKCS #11 Module", "Soft HSM", "Spy \"quoted\"" }, modules.Select(m => m.Name));
            Assert.Equal(new[] { "internal", "critical" }, modules[0].Flags);
            Assert.Equal("/usr/lib/softhsm/libsofthsm2.so", modules[1].Library);
            Assert.Equal(NssTools.RawList(dir), modules.Skip(1).Select(m => m.ModuleSpec));
            Assert.All(modules, m => Assert.Equal(dir, m.Database));
        }

        [SkippableFact]
        public void CrlfLinesAreReadAsNssReadsThem() =>
            Assert.Equal("CRLF", AssertReadsLikeNss("library=/crlf.so\r\nname=CRLF\r\n\r\n").Single().Name);

        [SkippableFact]
        public void LinesOf2048BytesOrMoreAreSplitWhereNssSplitsThem()
        {
            string name = new string('N', 2100);
            var modules = AssertReadsLikeNss($"library=/long.so\nname={name}\n\nlibrary=/b.so\nname=x{new string('#', 2050)}\nname=after\n\n");
            Assert.Equal(2047 - "name=".Length, modules[0].Name.Length);
            Assert.Equal("after", modules[1].Name);
        }

        [SkippableFact]
        public void QuotesInjectSettingsAsInNss()
        {
            var modules = AssertReadsLikeNss("library=/c.so\nname=\"quoted \\\" name\" library=/evil.so\nparameters=a \"b\" \\c\nparameters=ignored\n\n");
            Assert.Equal("/evil.so", modules[0].Library);
            Assert.Equal("quoted \" name", modules[0].Name);
            Assert.Equal("a \"b\" \\c", modules[0].Parameters);
        }

        [SkippableFact]
        public void GarbageIsReadAsNssReadsIt() =>
            AssertReadsLikeNss("just words\n=\nlibrary\n# comment\nlibrary=/g.so\nname=G\u00fc\u0001\nNSS=Flags=trusted,moduleDB slotParams={0x1=[]}\n\u00ff\u00fe garbage=(\n\n\n\n#\nname=no library\n\n");

        [SkippableFact]
        public void ALastStanzaWithoutNewlineIsDroppedAsNssDropsIt()
        {
            var modules = AssertReadsLikeNss("library=/kept.so\nname=Kept\n\nlibrary=/lost.so\nname=Lost");
            Assert.Equal(new[] { "Kept" }, modules.Select(m => m.Name));
        }

        [SkippableFact]
        public void RemovingAModuleKeepsEveryOtherByteAndMatchesNamesExactly()
        {
            string dir = NewDatabase();
            string file = Path.Combine(dir, "pkcs11.txt");
            File.AppendAllText(file, "# keep this comment\nlibrary=/a.so\nname=OpenSC 2\n\nlibrary=/b.so\r\nname=OpenSC\r\n\r\nlibrary=/c.so\nname=OpenSC\n\n# trailing comment\n");
            string before = File.ReadAllText(file);
            Assert.Equal(2, NssModuleDatabase.Remove(dir, "OpenSC"));
            string after = File.ReadAllText(file);
            Assert.Equal(before.Replace("library=/b.so\r\nname=OpenSC\r\n\r\n", "").Replace("library=/c.so\nname=OpenSC\n\n", ""), after);
            Assert.Equal(new[] { new KeyValuePair<string, string>("OpenSC 2", "/a.so") }, NssTools.List(dir));
            Assert.Equal(0, NssModuleDatabase.Remove(dir, "OpenSC"));
            Assert.Equal(after, File.ReadAllText(file));
        }

        [SkippableFact]
        public void AddedModulesAreListedByModutilAndKeepTheFileModeAndText()
        {
            string dir = NewDatabase();
            string file = Path.Combine(dir, "pkcs11.txt");
            File.AppendAllText(file, "library=/x.so\nname=NoBlankLineAfter");
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            string before = File.ReadAllText(file);
            NssModule added = NssModuleDatabase.Add(dir, "Soft HSM \u00e9", "/usr/lib/softhsm/libsofthsm2.so");
            Assert.Equal("Soft HSM \u00e9", added.Name);
            Assert.StartsWith(before, File.ReadAllText(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(file));
            Assert.Contains(new KeyValuePair<string, string>(NssTools.AsLatin1("Soft HSM \u00e9"), "/usr/lib/softhsm/libsofthsm2.so"), NssTools.List(dir));
            Assert.Empty(Directory.GetFiles(dir, ".*.tmp"));
        }

        [SkippableFact]
        public void AFileIsCreatedWithNssModeWhereThereIsNone()
        {
            string dir = Path.Combine(Path.GetTempPath(), "smartcardps-nss-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            dirs.Add(dir);
            NssModuleDatabase.Add(dir, "OpenSC", "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so");
            Assert.Equal("library=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so\nname=OpenSC\n\n", File.ReadAllText(Path.Combine(dir, "pkcs11.txt")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "pkcs11.txt")));
        }

        /// <summary>An admin (root) fixing a user's profile must leave a file the user's Firefox can still read.</summary>
        [SkippableFact]
        public void AsRootTheFileKeepsItsOwnerOrTakesTheProfileOwners()
        {
            Skip.IfNot(Environment.UserName == "root" && File.Exists("/usr/bin/chown"), "needs root");
            string dir = Path.Combine(Path.GetTempPath(), "smartcardps-nss-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            dirs.Add(dir);
            NssTools.Run("chown", "65534:65534", dir);
            // The directory is another user's: root writes there only when told to (-Force).
            NssModuleDatabase.Add(dir, "A", "/a.so", force: true);
            Assert.Equal("65534:65534", NssTools.Run("stat", "-c", "%u:%g", Path.Combine(dir, "pkcs11.txt")).Trim());
            NssTools.Run("chown", "1:1", Path.Combine(dir, "pkcs11.txt"));
            NssModuleDatabase.Add(dir, "B", "/b.so", force: true);
            NssModuleDatabase.Remove(dir, "A", force: true);
            Assert.Equal("1:1", NssTools.Run("stat", "-c", "%u:%g", Path.Combine(dir, "pkcs11.txt")).Trim());
            Assert.Equal("library=/b.so\nname=B\n\n", File.ReadAllText(Path.Combine(dir, "pkcs11.txt")));
        }

        [Theory]
        [InlineData("two\nlines", "control character")]
        [InlineData("cr\r", "control character")]
        [InlineData("\"quoted", "quote")]
        [InlineData("'quoted", "quote")]
        [InlineData(" padded", "blank")]
        [InlineData("", "empty")]
        public void NamesNssWouldNotReadBackAreRefused(string name, string why)
        {
            Assert.Contains(why, NssModuleFile.Problem("name", name));
            Assert.Throws<ArgumentException>(() => NssModuleDatabase.Add(Path.GetTempPath(), name, "/x.so"));
        }

        [Fact]
        public void LinesNssWouldSplitAreRefused()
        {
            Assert.Null(NssModuleFile.Problem("name", new string('a', 2046 - 5)));
            Assert.Contains("too long", NssModuleFile.Problem("name", new string('a', 2047 - 5)));
            Assert.Null(NssModuleFile.Problem("name", "OpenSC (\"CAC\") *?"));
        }
    }
}
