using System;
using System.Linq;
using SmartCardPS.Pkcs11;
using SmartCardPS.TestFixture;
using SmartCardPS.Tests.Support;
using Xunit;

namespace SmartCardPS.Tests.Pkcs11
{
    /// <summary>Issue 26: key pairs generated on a real SoftHSM, checked by p11tool, pkcs11-tool and ssh-keygen.</summary>
    [Collection(SoftHsmCollection.Name)]
    public class Pkcs11KeyGeneratorTests
    {
        private readonly SoftHsmFixtureHost host;

        public Pkcs11KeyGeneratorTests(SoftHsmFixtureHost host) => this.host = host;

        [SkippableTheory]
        [InlineData(Pkcs11KeyAlgorithm.Rsa, null, "RSA", 2048, null)]
        [InlineData(Pkcs11KeyAlgorithm.Ec, "P-256", "EC", 256, "secp256r1")]
        [InlineData(Pkcs11KeyAlgorithm.Ec, "P-384", "EC", 384, "secp384r1")]
        [InlineData(Pkcs11KeyAlgorithm.Ec, "P-521", "EC", 521, "secp521r1")]
        [InlineData(Pkcs11KeyAlgorithm.EdDsa, null, "EC_EDWARDS", 255, "Ed25519")]
        public void GeneratesAPairThatP11toolListsWithOurUrisAndExportsTheSamePublicKey(Pkcs11KeyAlgorithm algorithm, string curve, string keyType, int size, string curveName)
        {
            using (var token = new KeyToken(host.Fixture, "Keys gen"))
            using (var library = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2"))
            {
                Pkcs11KeyPair pair;
                Pkcs11PublicKey key;
                using (var session = Pkcs11KeySession.Open(library, token.Find(library), readWrite: true, login: true, KeyTools.Pin()))
                {
                    pair = Pkcs11KeyGenerator.Generate(session, new Pkcs11KeyPairSpec { Algorithm = algorithm, Curve = curve, Label = "k 1" });
                    key = Pkcs11PublicKeyReader.Read(session, pair.PrivateKey);
                }
                Assert.Equal(Pkcs11ObjectClass.PrivateKey, pair.PrivateKey.Class);
                Assert.Equal(Pkcs11ObjectClass.PublicKey, pair.PublicKey.Class);
                Assert.Equal(40, pair.PrivateKey.Id.Length);
                Assert.Equal(pair.PrivateKey.Id, pair.PublicKey.Id);
                Assert.Equal(keyType, pair.PrivateKey.KeyType);
                Assert.Equal(size, pair.PublicKey.KeySize);
                Assert.Equal(curveName, pair.PublicKey.Curve);
                Assert.True(pair.PrivateKey.Flags.HasFlag(Pkcs11ObjectFlags.Sensitive | Pkcs11ObjectFlags.Private | Pkcs11ObjectFlags.Sign | Pkcs11ObjectFlags.Local));
                Assert.False(pair.PrivateKey.Flags.HasFlag(Pkcs11ObjectFlags.Extractable));
                Assert.False(pair.PublicKey.Flags.HasFlag(Pkcs11ObjectFlags.Private));
                Assert.Equal(algorithm != Pkcs11KeyAlgorithm.EdDsa, pair.PrivateKey.Flags.HasFlag(Pkcs11ObjectFlags.Decrypt | Pkcs11ObjectFlags.Unwrap));

                string listed = KeyTools.P11tool("--login", "--list-all", "pkcs11:token=Keys%20gen");
                Assert.Contains("URL: " + pair.PrivateKey.Uri + "\n", listed);
                Assert.Contains("URL: " + pair.PublicKey.Uri + "\n", listed);
                Assert.Equal(Pkcs11ObjectFlags.None, pair.PublicKey.Flags & Pkcs11ObjectFlags.Private);

                string file = KeyTools.TempFile(string.Empty);
                try
                {
                    KeyTools.P11tool("--export-pubkey", "--outfile=" + file, pair.PublicKey.Uri);
                    Assert.Equal(System.IO.File.ReadAllText(file), key.Pem);
                }
                finally
                {
                    System.IO.File.Delete(file);
                }
                if (algorithm != Pkcs11KeyAlgorithm.EdDsa)
                {
                    // This ssh-keygen skips Ed25519 keys on a token ("unsupported key type").
                    string line = KeyTools.SshKeygen().Split('\n').Single(l => l.EndsWith(" k 1", StringComparison.Ordinal));
                    Assert.Equal(line, key.OpenSsh);
                }
                Assert.StartsWith(algorithm == Pkcs11KeyAlgorithm.Rsa ? "ssh-rsa " : algorithm == Pkcs11KeyAlgorithm.Ec ? "ecdsa-sha2-nistp" : "ssh-ed25519 ", key.OpenSsh);
            }
        }

        [SkippableFact]
        public void P11toolTestSignAndPkcs11ToolTestPassOnOurKeys()
        {
            using (var token = new KeyToken(host.Fixture, "Keys test"))
            using (var library = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2"))
            {
                Pkcs11KeyPair pair;
                using (var session = Pkcs11KeySession.Open(library, token.Find(library), true, true, KeyTools.Pin()))
                {
                    pair = Pkcs11KeyGenerator.Generate(session, new Pkcs11KeyPairSpec { Label = "rsa" });
                    Pkcs11KeyGenerator.Generate(session, new Pkcs11KeyPairSpec { Algorithm = Pkcs11KeyAlgorithm.Ec, Label = "ec" });
                }
                string signed = KeyTools.P11tool("--login", "--test-sign", pair.PrivateKey.Uri);
                Assert.Contains("Verifying against public key in the token... ok", signed);
                // pkcs11-tool --test then stops at OAEP decryption with a label, which SoftHSM refuses (CKR_ARGUMENTS_BAD)
                // for p11tool's keys just the same: every test before it must pass for ours.
                string tested = KeyTools.Run("pkcs11-tool", null, true, "--module=" + KeyTools.Library, "--login", "--pin=" + SoftHsmFixture.UserPin, "--test", "--token-label=Keys test");
                Assert.Matches(@"testing key \d+ \(rsa\)", tested);
                Assert.Contains("RSA-PKCS: OK", tested);
                Assert.DoesNotContain("ERR", tested);
                Assert.All(tested.Split('\n').Where(l => l.Contains("failed", StringComparison.Ordinal)),
                    l => Assert.Contains("C_DecryptInit failed: rv = CKR_ARGUMENTS_BAD", l));
            }
        }

        [SkippableFact]
        public void AKeySizeOutsideTheTokensRangeIsRefusedWithTheRange()
        {
            using (var token = new KeyToken(host.Fixture, "Keys size"))
            using (var library = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2"))
            using (var session = Pkcs11KeySession.Open(library, token.Find(library), true, true, KeyTools.Pin()))
            {
                var ex = Assert.Throws<Pkcs11KeyException>(() => Pkcs11KeyGenerator.Generate(session, new Pkcs11KeyPairSpec { KeySize = 32768 }));
                Assert.Equal(Pkcs11KeyFailure.KeySizeOutOfRange, ex.Failure);
                Assert.Equal("CKR_KEY_SIZE_RANGE", ex.ReturnValueName);
                Assert.Contains("takes 512 to 16384 bits", ex.Message);
                Assert.Empty(session.Find(Pkcs11ObjectClass.PrivateKey, null, null));
            }
        }

        [SkippableFact]
        public void AMechanismTheTokenDoesNotListIsRefusedWithTheListAndAFullTokenSaysSo()
        {
            using (var shim = host.NewShim())
            using (var token = new KeyToken(host.Fixture, "Keys shim"))
            using (var library = Pkcs11Library.Load(shim.LibraryPath, "shim"))
            {
                shim.HideMechanisms(0x1055);
                using (var session = Pkcs11KeySession.Open(library, token.Find(library), true, true, KeyTools.Pin()))
                {
                    var ex = Assert.Throws<Pkcs11KeyException>(() => Pkcs11KeyGenerator.Generate(session, new Pkcs11KeyPairSpec { Algorithm = Pkcs11KeyAlgorithm.EdDsa }));
                    Assert.Equal(Pkcs11KeyFailure.MechanismNotSupported, ex.Failure);
                    Assert.Contains("does not list CKM_EC_EDWARDS_KEY_PAIR_GEN", ex.Message);
                    Assert.Contains("CKM_RSA_PKCS_KEY_PAIR_GEN", ex.Message);
                    shim.FailGenerateKeyPair(0x31); // CKR_DEVICE_MEMORY
                    var full = Assert.Throws<Pkcs11KeyException>(() => Pkcs11KeyGenerator.Generate(session, new Pkcs11KeyPairSpec { Algorithm = Pkcs11KeyAlgorithm.Ec }));
                    Assert.Equal(Pkcs11KeyFailure.TokenFull, full.Failure);
                    Assert.Equal("CKR_DEVICE_MEMORY", full.ReturnValueName);
                }
                // One login for the session, however many operations it ran.
                Assert.Equal(new[] { 0UL }, shim.Logins);
            }
        }

        [SkippableFact]
        public void AWriteProtectedTokenIsRefusedBeforeAnySessionAndAWrongPinCostsOneTry()
        {
            using (var shim = host.NewShim())
            using (var token = new KeyToken(host.Fixture, "Keys ro"))
            using (var library = Pkcs11Library.Load(shim.LibraryPath, "shim"))
            {
                var ex = Assert.Throws<Pkcs11LoginException>(() => Pkcs11KeySession.Open(library, token.Find(library), true, true, System.Text.Encoding.UTF8.GetBytes("0000")));
                Assert.Equal("CKR_PIN_INCORRECT", ex.ReturnValueName);
                Assert.Equal(new[] { 0xA0UL }, shim.Logins);
                shim.AddTokenFlags(0x2);
                var ro = Assert.Throws<Pkcs11KeyException>(() => Pkcs11KeySession.Open(library, token.Find(library), true, true, KeyTools.Pin()));
                Assert.Equal(Pkcs11KeyFailure.ReadOnlyToken, ro.Failure);
                Assert.Contains("write-protected", ro.Message);
                Assert.Equal(new[] { 0xA0UL }, shim.Logins);
            }
        }
    }
}
