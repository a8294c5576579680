using System;
using System.IO;
using System.Linq;
using SmartCardPS.TestFixture;
using Xunit;
using SmartCardPS.Pkcs11;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Pkcs11
{
    /// <summary>The library service against a real SoftHSM2 and real non-modules.</summary>
    [Collection(SoftHsmCollection.Name)]
    public class Pkcs11LibraryTests
    {
        private readonly SoftHsmFixtureHost host;

        public Pkcs11LibraryTests(SoftHsmFixtureHost host) => this.host = host;

        [SkippableFact]
        public void ListsTheSoftHsmTokensWithTheirUris()
        {
            _ = host.Fixture;
            using (var library = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2"))
            {
                var info = library.GetInfo();
                Assert.Equal("SoftHSM", info.LibraryManufacturer);
                Assert.Matches(@"^\d+\.\d+$", info.LibraryVersion);
                Assert.Matches(@"^\d+\.\d+$", info.CryptokiVersion);
                var tokens = library.GetTokens(includeEmptySlots: false).Where(t => t.Flags.HasFlag(Pkcs11TokenFlags.TokenInitialized)).ToList();
                Assert.Equal(SoftHsmFixtureHost.Labels.OrderBy(l => l, StringComparer.Ordinal), tokens.Select(t => t.Label).OrderBy(l => l, StringComparer.Ordinal));
                foreach (var token in tokens)
                {
                    Assert.True(token.TokenPresent);
                    Assert.Equal("softhsm2", token.Module);
                    Assert.Equal("SoftHSM project", token.Manufacturer);
                    Assert.Equal("SoftHSM v2", token.Model);
                    Assert.Matches("^[0-9a-f]{16}$", token.SerialNumber);
                    Assert.Equal(Pkcs11TokenFlags.RNG | Pkcs11TokenFlags.LoginRequired | Pkcs11TokenFlags.UserPinInitialized |
                        Pkcs11TokenFlags.RestoreKeyNotNeeded | Pkcs11TokenFlags.TokenInitialized, token.Flags);
                    Assert.Equal(4UL, token.MinPinLength);
                    Assert.Null(token.TotalPublicMemory);
                }
                var gamma = tokens.Single(t => t.Label == "Gämma/#;%");
                Assert.EndsWith(";token=G%C3%A4mma%2F%23%3B%25", gamma.Uri);
                // The URIs as p11tool (GnuTLS) prints them for the same library, not rebuilt from our own fields.
                Requires.Dependency(File.Exists("/usr/bin/p11tool"), "p11tool (apt-get install gnutls-bin)");
                Assert.Equal(P11toolTokenUrls(SoftHsmFixture.LibraryPath), tokens.Select(t => t.Uri).OrderBy(u => u, StringComparer.Ordinal));
            }
        }

        private static string[] P11toolTokenUrls(string library)
        {
            var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/p11tool") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { "--provider", library, "--list-token-urls" }) start.ArgumentList.Add(a);
            using (var p = System.Diagnostics.Process.Start(start))
            {
                string stdout = p.StandardOutput.ReadToEnd();
                p.StandardError.ReadToEnd();
                p.WaitForExit();
                return stdout.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("pkcs11:", StringComparison.Ordinal)).OrderBy(u => u, StringComparer.Ordinal).ToArray();
            }
        }

        [SkippableFact]
        public void ListsMechanismsByCkmName()
        {
            _ = host.Fixture;
            using (var library = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2"))
            {
                var token = library.GetTokens(false).First(t => t.Label == "Alpha");
                var mechanisms = library.GetMechanisms(token);
                var rsa = Assert.Single(mechanisms, m => m.Name == "CKM_RSA_PKCS_KEY_PAIR_GEN");
                Assert.Equal(0UL, rsa.Type);
                Assert.True(rsa.Flags.HasFlag(Pkcs11MechanismFlags.GenerateKeyPair));
                Assert.True(rsa.MaxKeySize >= 2048);
                Assert.Contains(mechanisms, m => m.Name == "CKM_SHA256" && m.Flags.HasFlag(Pkcs11MechanismFlags.Digest));
                Assert.All(mechanisms, m => Assert.Equal("Alpha", m.Token));
            }
        }

        [SkippableFact]
        public void DisposeFinalizesAndUnloadsTheLibrary()
        {
            _ = host.Fixture;
            Requires.Dependency(File.Exists("/proc/self/maps"), "/proc/self/maps (to see loaded libraries)");
            Assert.False(Mapped(SoftHsmFixture.LibraryPath));
            var library = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2");
            Assert.True(Mapped(SoftHsmFixture.LibraryPath));
            library.Dispose();
            // Unloading follows C_Finalize, and a fresh load initializes the module again.
            Assert.False(Mapped(SoftHsmFixture.LibraryPath));
            using (var again = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2"))
            {
                Assert.NotEmpty(again.GetTokens(false));
            }
        }

        private static bool Mapped(string library) => File.ReadAllText("/proc/self/maps").Contains(library);

        [SkippableFact]
        public void AMissingFileIsNotFound()
        {
            var ex = Assert.Throws<Pkcs11ModuleException>(() => Pkcs11Library.Load("/nonexistent/lib.so", "ghost", "/etc/pkcs11/modules/ghost.module"));
            Assert.Equal(Pkcs11FailureKind.NotFound, ex.Kind);
            Assert.Contains("'ghost'", ex.Message);
            Assert.Contains("/etc/pkcs11/modules/ghost.module", ex.Message);
        }

        [Fact]
        public void AModuleWithoutALibraryIsNotFound()
        {
            var ex = Assert.Throws<Pkcs11ModuleException>(() => Pkcs11Library.Load(null, "disabled", "/etc/pkcs11/modules/disabled.module"));
            Assert.Equal(Pkcs11FailureKind.NotFound, ex.Kind);
            Assert.Contains("module: is blank", ex.Message);
        }

        [SkippableFact]
        public void ATextFileIsRefusedWithTheLoadersMessage()
        {
            string text = Path.Combine(Path.GetTempPath(), "smartcardps-not-a-lib-" + Guid.NewGuid().ToString("N") + ".so");
            File.WriteAllText(text, "module: this is text, not ELF\n");
            try
            {
                var ex = Assert.Throws<Pkcs11ModuleException>(() => Pkcs11Library.Load(text));
                Assert.Equal(Pkcs11FailureKind.NotLoadable, ex.Kind);
                Assert.Contains(text, ex.Reason);
            }
            finally
            {
                File.Delete(text);
            }
        }

        [SkippableFact]
        public void ASharedLibraryWithoutCGetFunctionListIsNotPkcs11()
        {
            string libz = new[] { "/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/aarch64-linux-gnu/libz.so.1", "/usr/lib64/libz.so.1" }
                .FirstOrDefault(File.Exists);
            Requires.Dependency(libz != null, "libz (apt-get install zlib1g)");
            var ex = Assert.Throws<Pkcs11ModuleException>(() => Pkcs11Library.Load(libz));
            Assert.Equal(Pkcs11FailureKind.NotPkcs11, ex.Kind);
            Assert.IsType<Net.Pkcs11Interop.Common.UnmanagedException>(ex.InnerException);
        }
    }
}
