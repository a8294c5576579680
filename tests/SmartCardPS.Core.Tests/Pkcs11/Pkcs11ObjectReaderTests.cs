using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using SmartCardPS.TestFixture;
using Xunit;
using SmartCardPS.Pkcs11;

using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Pkcs11
{
    /// <summary>The object reader against a real SoftHSM2: what it finds, and that it leaves no session and no login behind.</summary>
    [Collection(SoftHsmCollection.Name)]
    public class Pkcs11ObjectReaderTests
    {
        private const string TokenLabel = "Beta token";
        private readonly SoftHsmFixtureHost host;

        public Pkcs11ObjectReaderTests(SoftHsmFixtureHost host) => this.host = host;

        [SkippableFact]
        public void FindsPrivateObjectsOnlyAfterLoginAndLeavesNoSessionOrLoginBehind()
        {
            _ = host.Fixture;
            string label = "xunit private " + Guid.NewGuid().ToString("N").Substring(0, 6);
            WriteDataObject(label, isPrivate: true);
            using (var library = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2"))
            {
                Pkcs11Token token = library.GetTokens(false).Single(t => t.Label == TokenLabel);
                Assert.Empty(Pkcs11ObjectReader.Read(library, token, new Pkcs11ObjectQuery { Label = label }));
                // Closing the last session would log out by itself: a session of our own stays open to see the logout.
                using (ISession watcher = library.FindSlot(token.SlotId).OpenSession(SessionType.ReadOnly))
                {
                    var found = Pkcs11ObjectReader.Read(library, token, new Pkcs11ObjectQuery { Label = label, Login = true, Pin = Pin() });
                    var data = Assert.Single(found);
                    Assert.Equal(Pkcs11ObjectClass.Data, data.Class);
                    Assert.Equal(Pkcs11ObjectFlags.Token | Pkcs11ObjectFlags.Private | Pkcs11ObjectFlags.Modifiable, data.Flags);
                    Assert.Equal(token.Uri + ";object=" + Pkcs11UriText.Encode(label) + ";type=data", data.Uri);
                    Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, watcher.GetSessionInfo().State);
                    // Logged out: the private object is hidden again from every session.
                    Assert.Empty(watcher.FindAllObjects(new System.Collections.Generic.List<IObjectAttribute>
                        { watcher.Factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, label) }));
                }
            }
        }

        [SkippableFact]
        public void AWrongPinIsOneLoginExceptionWithTheCounterFlagsAndTheSessionIsClosed()
        {
            // Through the shim, which logs every C_Login: a wrong PIN must cost the card one try, never two.
            using (var shim = host.NewShim())
            using (var library = Pkcs11Library.Load(shim.LibraryPath, "shim"))
            {
                Pkcs11Token token = library.GetTokens(false).Single(t => t.Label == TokenLabel);
                var ex = Assert.Throws<Pkcs11LoginException>(() =>
                    Pkcs11ObjectReader.Read(library, token, new Pkcs11ObjectQuery { Login = true, Pin = Encoding.UTF8.GetBytes("0000") }));
                Assert.Equal(new[] { (ulong)CKR.CKR_PIN_INCORRECT }, shim.Logins);
                Assert.Equal((ulong)CKR.CKR_PIN_INCORRECT, ex.ReturnValue);
                Assert.Equal("CKR_PIN_INCORRECT", ex.ReturnValueName);
                Assert.True(ex.PinCountLow);
                Assert.False(ex.PinLocked);
                Assert.Equal(TokenLabel, ex.TokenLabel);
                Assert.Contains("'Beta token' is incorrect (CKR_PIN_INCORRECT)", ex.Message);
                Assert.Contains("CKF_USER_PIN_COUNT_LOW", ex.Message);
                Assert.DoesNotContain("0000", ex.Message);
                // The right PIN works and SoftHSM clears the counter.
                Pkcs11ObjectReader.Read(library, token, new Pkcs11ObjectQuery { Login = true, Pin = Pin() });
                Assert.Equal(new[] { (ulong)CKR.CKR_PIN_INCORRECT, (ulong)CKR.CKR_OK }, shim.Logins);
                Assert.False(((Pkcs11TokenFlags)library.FindSlot(token.SlotId).GetTokenInfo().TokenFlags.Flags).HasFlag(Pkcs11TokenFlags.UserPinCountLow));
            }
        }

        [SkippableFact]
        public void ReadersLoggedInAtOnceShareOneLoginAndTheLastToLeaveLogsOut()
        {
            _ = host.Fixture;
            string label = "xunit shared login " + Guid.NewGuid().ToString("N").Substring(0, 6);
            WriteDataObject(label, isPrivate: true);
            using (var library = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2"))
            {
                Pkcs11Token token = library.GetTokens(false).Single(t => t.Label == TokenLabel);
                var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
                // Login is the process's, not a session's: one reader logging out must not pull it from under the others.
                System.Threading.Tasks.Parallel.For(0, 6, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 6 }, worker =>
                {
                    using (var mine = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2"))
                    {
                        for (int i = 0; i < 15; i++)
                        {
                            try
                            {
                                int found = Pkcs11ObjectReader.Read(mine, token, new Pkcs11ObjectQuery { Login = true, Pin = Pin() }).Count(o => o.Label == label);
                                if (found != 1) failures.Enqueue($"worker {worker}, read {i}: the private object was found {found} times");
                            }
                            catch (Pkcs11ModuleException ex)
                            {
                                failures.Enqueue($"worker {worker}, read {i}: {ex.Message}");
                            }
                        }
                    }
                });
                Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(3)));
                using (ISession watcher = library.FindSlot(token.SlotId).OpenSession(SessionType.ReadOnly))
                {
                    Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, watcher.GetSessionInfo().State);
                }
            }
        }

        [Fact]
        public void ObjectUrisEscapeAsP11toolDoes()
        {
            const string token = "pkcs11:token=T";
            Assert.Equal("pkcs11:token=T;id=%01%61%FF;object=a%20b%2F%3B%C3%A9;type=private",
                Pkcs11UriText.ForObject(token, new byte[] { 1, 0x61, 0xff }, Encoding.UTF8.GetBytes("a b/;é"), Pkcs11ObjectClass.PrivateKey));
            Assert.Equal("pkcs11:token=T;type=data", Pkcs11UriText.ForObject(token, Array.Empty<byte>(), Array.Empty<byte>(), Pkcs11ObjectClass.Data));
            Assert.Equal("pkcs11:token=T;object=x", Pkcs11UriText.ForObject(token, null, new[] { (byte)'x' }, (Pkcs11ObjectClass)0x80000001));
            Assert.Equal("pkcs11:id=%99;type=secret-key", Pkcs11UriText.ForObject(null, new byte[] { 0x99 }, null, Pkcs11ObjectClass.SecretKey));
        }

        [Fact]
        public void IdsComeBackAsRawBytes()
        {
            Assert.Equal(new byte[] { 0x8b, 0x28, 0x61 }, Pkcs11UriText.Parse("pkcs11:token=T;id=%8B%28a;type=cert?pin-value=1").Id);
            Assert.Null(Pkcs11UriText.Parse("pkcs11:token=T").Id);
            Assert.Throws<FormatException>(() => Pkcs11UriText.Parse("pkcs11:id=%8"));
        }

        [Theory]
        [InlineData("06082a8648ce3d030107", "secp256r1", 256)]
        [InlineData("06052b81040022", "secp384r1", 384)]
        [InlineData("06092b2403030208010107", "brainpoolP256r1", 256)]
        [InlineData("06032b6570", "Ed25519", 255)]
        [InlineData("130c656477617264733235353139", "Ed25519", 255)]
        [InlineData("06032a0304", "1.2.3.4", null)]
        [InlineData("0608ffff", null, null)]
        public void NamesCurvesFromEcParams(string hex, string name, int? bits)
        {
            byte[] der = Enumerable.Range(0, hex.Length / 2).Select(i => Convert.ToByte(hex.Substring(i * 2, 2), 16)).ToArray();
            Assert.Equal(name, EcCurves.Name(der, out int? size));
            Assert.Equal(bits, size);
        }

        [Fact]
        public void PemWrapsAt64WithLfEndings()
        {
            string pem = Pkcs11ObjectReader.Pem("CERTIFICATE", new byte[100]);
            string[] lines = pem.Split('\n');
            Assert.Equal("-----BEGIN CERTIFICATE-----", lines[0]);
            Assert.Equal(64, lines[1].Length);
            Assert.Equal(64, lines[2].Length);
            Assert.Equal(8, lines[3].Length);
            Assert.Equal("-----END CERTIFICATE-----", lines[4]);
            Assert.Equal(string.Empty, lines[5]);
        }

        [Fact]
        public void FromPemReadsWhatOpensslWritesAndWhatPemWrites()
        {
            // A certificate openssl made: the same bytes as .NET's own PEM reader finds, written back byte for byte.
            string file = Path.Combine(Path.GetTempPath(), "smartcardps-pem-" + Guid.NewGuid().ToString("N"));
            string pem;
            try
            {
                KeyTools.Run("openssl", null, false, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", "/dev/null", "-subj", "/CN=FromPem", "-days", "1", "-out", file);
                pem = File.ReadAllText(file);
            }
            finally
            {
                File.Delete(file);
            }
            byte[] der = Pkcs11ObjectReader.FromPem(pem, "CERTIFICATE");
            Assert.Equal(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem).RawData, der);
            Assert.Equal(pem, Pkcs11ObjectReader.Pem("CERTIFICATE", der));
            // CRLF endings and text around the block (as a mail or a Windows editor leaves it) read the same.
            Assert.Equal(der, Pkcs11ObjectReader.FromPem("Subject: x\r\n" + pem.Replace("\n", "\r\n") + "trailer", "CERTIFICATE"));
            Assert.Null(Pkcs11ObjectReader.FromPem(pem, "PUBLIC KEY"));
            Assert.Null(Pkcs11ObjectReader.FromPem("no block here", "CERTIFICATE"));
            var ex = Assert.Throws<ArgumentException>(() =>
                Pkcs11ObjectReader.FromPem("-----BEGIN CERTIFICATE-----\n*not base64*\n-----END CERTIFICATE-----\n", "CERTIFICATE"));
            Assert.StartsWith("Its CERTIFICATE block is not base64: ", ex.Message);
        }

        [Fact]
        public void PinSourceIsTheFilesFirstLine()
        {
            string file = Path.Combine(Path.GetTempPath(), "smartcardps-pin-" + Guid.NewGuid().ToString("N"));
            File.WriteAllText(file, "12 34\r\nsecond line\n");
            try
            {
                foreach (string source in new[] { file, "file:" + file, "file://" + file })
                    using (Pkcs11Pin pin = Pkcs11Pin.FromSource(source)) Assert.Equal(Encoding.UTF8.GetBytes("12 34"), pin.Bytes);
            }
            finally
            {
                File.Delete(file);
            }
            var secure = new System.Security.SecureString();
            foreach (char c in "pä1") secure.AppendChar(c);
            using (Pkcs11Pin pin = Pkcs11Pin.FromSecureString(secure)) Assert.Equal(Encoding.UTF8.GetBytes("pä1"), pin.Bytes);
        }

        private static byte[] Pin() => Encoding.UTF8.GetBytes(SoftHsmFixture.UserPin);

        private static void WriteDataObject(string label, bool isPrivate)
        {
            string data = Path.GetTempFileName();
            File.WriteAllText(data, "payload");
            try
            {
                string args = $"--module {SoftHsmFixture.LibraryPath} --token-label \"{TokenLabel}\" --login --pin {SoftHsmFixture.UserPin} --write-object {data} --type data --label \"{label}\"" + (isPrivate ? " --private" : string.Empty);
                var psi = new ProcessStartInfo("pkcs11-tool", args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                using (var p = Process.Start(psi))
                {
                    string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                    p.WaitForExit();
                    Assert.True(p.ExitCode == 0, output);
                }
            }
            finally
            {
                File.Delete(data);
            }
        }
    }
}
