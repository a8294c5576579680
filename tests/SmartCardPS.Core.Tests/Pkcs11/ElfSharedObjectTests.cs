using System;
using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Pkcs11
{
    /// <summary>
    /// Reading a library's SONAME and exports from its ELF file, so that nothing is loaded (no constructor runs) to
    /// decide whether it is OpenSC's or a PKCS#11 module; checked against binutils' readelf on the machine's libraries.
    /// </summary>
    public sealed class ElfSharedObjectTests : IDisposable
    {
        private readonly string root = Path.Combine(Path.GetTempPath(), "smartcardps-elf-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public ElfSharedObjectTests() => Directory.CreateDirectory(root);

        public void Dispose() => Directory.Delete(root, recursive: true);

        private static string Installed(string fileName)
        {
            Requires.Dependency(File.Exists("/usr/bin/readelf"), "readelf (apt-get install binutils)");
            return InstalledLibraries.InModuleDirectory(fileName);
        }

        private static string ReadelfSoname(string path)
        {
            var psi = new ProcessStartInfo("/usr/bin/readelf", $"-d \"{path}\"") { RedirectStandardOutput = true, UseShellExecute = false };
            using (var p = Process.Start(psi))
            {
                string output = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                return Regex.Match(output, @"Library soname: \[(.*)\]").Groups[1].Value;
            }
        }

        [SkippableTheory]
        [InlineData("p11-kit-trust.so", true)]
        [InlineData("opensc-pkcs11.so", true)]
        [InlineData("libz.so.1", false)]
        public void TheSonameAndTheExportsAreReadAsReadelfShowsThem(string fileName, bool pkcs11)
        {
            string path = fileName.StartsWith("libz", StringComparison.Ordinal) ? InstalledLibraries.Libz() : Installed(fileName);
            Requires.Dependency(path != null, "libz (apt-get install zlib1g)");
            var elf = ElfSharedObject.Read(path, out string problem);
            Assert.Null(problem);
            Assert.Equal(ReadelfSoname(path), elf.Soname);
            Assert.Equal(pkcs11, elf.Exports("C_GetFunctionList"));
            Assert.False(elf.Exports("C_GetFunctionListNotThere"));
        }

        [SkippableFact]
        public void ARenamedOpenScIsKnownByItsSonameAndAnotherLibraryIsNot()
        {
            string renamed = Path.Combine(root, "renamed-pkcs11.so");
            File.Copy(Installed("opensc-pkcs11.so"), renamed);
            Assert.True(Pkcs11Registrar.IsOpenSc(renamed, null));
            string trust = Path.Combine(root, "trust.so");
            File.Copy(Installed("p11-kit-trust.so"), trust);
            Assert.False(Pkcs11Registrar.IsOpenSc(trust, null));
        }

        [Fact]
        public void FilesThatAreNotSharedLibrariesAreNamedSo()
        {
            string text = Path.Combine(root, "text.so");
            File.WriteAllText(text, "not a library");
            string empty = Path.Combine(root, "empty.so");
            File.WriteAllText(empty, string.Empty);
            string truncated = Path.Combine(root, "truncated.so");
            File.WriteAllBytes(truncated, new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1 });
            foreach (string file in new[] { text, empty, truncated, Path.Combine(root, "missing.so"), root })
            {
                Assert.Null(ElfSharedObject.Read(file, out string problem));
                Assert.NotNull(problem);
            }
        }
    }
}
