using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmartCardPS.Pkcs11;
using SmartCardPS.TestFixture;
using SmartCardPS.Tests.Support;
using Xunit;

namespace SmartCardPS.Tests.Pkcs11
{
    /// <summary>Issue 26: requests, self-signed certificates and key tests signed on a real SoftHSM, checked by openssl and p11tool.</summary>
    [Collection(SoftHsmCollection.Name)]
    public class Pkcs11SigningTests
    {
        private readonly SoftHsmFixtureHost host;

        public Pkcs11SigningTests(SoftHsmFixtureHost host) => this.host = host;

        [SkippableTheory]
        [InlineData(Pkcs11KeyAlgorithm.Rsa, null, Pkcs11RsaPadding.Pkcs1, "SHA256", "CKM_RSA_PKCS", "sha256WithRSAEncryption")]
        [InlineData(Pkcs11KeyAlgorithm.Rsa, null, Pkcs11RsaPadding.Pkcs1, "SHA512", "CKM_RSA_PKCS", "sha512WithRSAEncryption")]
        [InlineData(Pkcs11KeyAlgorithm.Rsa, null, Pkcs11RsaPadding.Pss, "SHA256", "CKM_RSA_PKCS_PSS", "rsassaPss")]
        [InlineData(Pkcs11KeyAlgorithm.Rsa, null, Pkcs11RsaPadding.Pss, "SHA384", "CKM_RSA_PKCS_PSS", "rsassaPss")]
        [InlineData(Pkcs11KeyAlgorithm.Ec, "P-256", Pkcs11RsaPadding.Pkcs1, "SHA256", "CKM_ECDSA", "ecdsa-with-SHA256")]
        [InlineData(Pkcs11KeyAlgorithm.Ec, "P-384", Pkcs11RsaPadding.Pkcs1, "SHA256", "CKM_ECDSA", "ecdsa-with-SHA256")]
        [InlineData(Pkcs11KeyAlgorithm.Ec, "P-384", Pkcs11RsaPadding.Pkcs1, "SHA384", "CKM_ECDSA", "ecdsa-with-SHA384")]
        [InlineData(Pkcs11KeyAlgorithm.Ec, "P-521", Pkcs11RsaPadding.Pkcs1, "SHA512", "CKM_ECDSA", "ecdsa-with-SHA512")]
        [InlineData(Pkcs11KeyAlgorithm.EdDsa, null, Pkcs11RsaPadding.Pkcs1, "SHA256", "CKM_EDDSA", "ED25519")]
        public void ARequestSignedOnTheTokenVerifiesInOpensslWithWhatWasAskedAndTheTokensKey(Pkcs11KeyAlgorithm algorithm, string curve, Pkcs11RsaPadding padding, string hash, string mechanism, string opensslAlgorithm)
        {
            using (var shim = host.NewShim())
            using (var token = new KeyToken(host.Fixture, "Keys csr"))
            using (var library = Pkcs11Library.Load(shim.LibraryPath, "shim"))
            {
                Pkcs11CertificateRequest request;
                Pkcs11PublicKey publicKey;
                using (var session = Pkcs11KeySession.Open(library, token.Find(library), true, true, KeyTools.Pin()))
                {
                    var pair = Pkcs11KeyGenerator.Generate(session, new Pkcs11KeyPairSpec { Algorithm = algorithm, Curve = curve, Label = "csr key" });
                    publicKey = Pkcs11PublicKeyReader.Read(session, pair.PrivateKey);
                    request = Pkcs11CertificateRequests.CreateSigningRequest(session, pair.PrivateKey, new Pkcs11CertificateRequestSpec
                    {
                        Subject = "CN=host.example, O=Example",
                        DnsNames = new[] { "host.example", "www.host.example" },
                        Emails = new[] { "admin@host.example" },
                        KeyUsage = X509KeyUsageFlags.DigitalSignature,
                        ExtendedKeyUsage = new[] { "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2" },
                        RsaPadding = padding,
                        HashAlgorithm = new HashAlgorithmName(hash),
                    });
                }
                Assert.Equal(new[] { 0UL }, shim.Logins);
                Assert.Equal(mechanism, request.Mechanism);
                Assert.Equal("csr key", request.Key);
                Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----\n", request.Pem);
                Assert.Contains("verify OK", KeyTools.Openssl(request.Pem, "req", "-verify", "-noout"));
                string text = KeyTools.Openssl(request.Pem, "req", "-text", "-noout");
                Assert.True(text.Contains("Subject: O = Example, CN = host.example\n", StringComparison.Ordinal), text);
                Assert.Contains("DNS:host.example, DNS:www.host.example, email:admin@host.example", text);
                Assert.Contains("X509v3 Key Usage: critical\n                    Digital Signature", text);
                Assert.Contains("TLS Web Server Authentication, TLS Web Client Authentication", text);
                Assert.Contains("Signature Algorithm: " + opensslAlgorithm, text);
                if (padding == Pkcs11RsaPadding.Pss)
                {
                    Assert.Contains("Hash Algorithm: " + hash.ToLowerInvariant(), text);
                }
                Assert.Equal(publicKey.Pem, KeyTools.Openssl(request.Pem, "req", "-pubkey", "-noout"));
            }
        }

        [SkippableTheory]
        [InlineData(Pkcs11KeyAlgorithm.Rsa)]
        [InlineData(Pkcs11KeyAlgorithm.Ec)]
        [InlineData(Pkcs11KeyAlgorithm.EdDsa)]
        public void ASelfSignedCertificateVerifiesAndImportedItPairsWithTheKey(Pkcs11KeyAlgorithm algorithm)
        {
            using (var token = new KeyToken(host.Fixture, "Keys self"))
            using (var library = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2"))
            {
                Pkcs11KeyPair pair;
                Pkcs11Object imported;
                X509Certificate2 certificate;
                using (var session = Pkcs11KeySession.Open(library, token.Find(library), true, true, KeyTools.Pin()))
                {
                    pair = Pkcs11KeyGenerator.Generate(session, new Pkcs11KeyPairSpec { Algorithm = algorithm, Label = "self" });
                    certificate = Pkcs11CertificateRequests.CreateSelfSigned(session, pair.PrivateKey, new Pkcs11CertificateRequestSpec
                    {
                        Subject = "CN=self",
                        NotBefore = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
                        NotAfter = new DateTimeOffset(2056, 1, 1, 0, 0, 0, TimeSpan.Zero),
                    });
                    imported = Pkcs11CertificateRequests.Import(session, certificate, pair.PrivateKey);
                }
                string pem = Pkcs11ObjectReader.Pem("CERTIFICATE", certificate.RawData);
                string file = KeyTools.TempFile(pem);
                try
                {
                    Assert.Contains(": OK", KeyTools.Openssl(null, "verify", "-CAfile", file, file));
                    Assert.Contains("Not After : Jan  1 00:00:00 2056 GMT", KeyTools.Openssl(pem, "x509", "-text", "-noout"));
                }
                finally
                {
                    File.Delete(file);
                }
                Assert.Equal(Pkcs11ObjectClass.Certificate, imported.Class);
                Assert.Equal(pair.PrivateKey.Id, imported.Id);
                Assert.Equal("CN=self", imported.Certificate.Subject);
                string listed = KeyTools.P11tool("--list-all-certs", "pkcs11:token=Keys%20self");
                Assert.Contains("URL: " + imported.Uri + "\n", listed);
                Assert.Contains(";id=" + string.Concat(pair.PrivateKey.Id.ToUpperInvariant().Select((c, i) => i % 2 == 0 ? "%" + c : c.ToString())) + ";", imported.Uri);
            }
        }

        [SkippableFact]
        public void EveryKeyTypePassesAKeyWithAnotherPublicHalfFailsAndOneThatMayNotSignIsSkipped()
        {
            using (var token = new KeyToken(host.Fixture, "Keys tst"))
            using (var library = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2"))
            {
                Pkcs11KeyPair rsa, other;
                using (var session = Pkcs11KeySession.Open(library, token.Find(library), true, true, KeyTools.Pin()))
                {
                    rsa = Pkcs11KeyGenerator.Generate(session, new Pkcs11KeyPairSpec { Label = "rsa", Id = new byte[] { 1 } });
                    Pkcs11KeyGenerator.Generate(session, new Pkcs11KeyPairSpec { Algorithm = Pkcs11KeyAlgorithm.Ec, Curve = "P-256", Label = "p256" });
                    Pkcs11KeyGenerator.Generate(session, new Pkcs11KeyPairSpec { Algorithm = Pkcs11KeyAlgorithm.Ec, Curve = "P-384", Label = "p384" });
                    Pkcs11KeyGenerator.Generate(session, new Pkcs11KeyPairSpec { Algorithm = Pkcs11KeyAlgorithm.EdDsa, Label = "ed" });
                    Pkcs11KeyGenerator.Generate(session, new Pkcs11KeyPairSpec { Label = "nosign", Usage = Pkcs11KeyUsage.Decrypt });
                    other = Pkcs11KeyGenerator.Generate(session, new Pkcs11KeyPairSpec { Label = "mismatch", Id = new byte[] { 2 } });
                }
                // The mismatch, made with pkcs11-tool: key 02's public half replaced by key 01's.
                string pub = KeyTools.TempFile(string.Empty);
                try
                {
                    KeyTools.Pkcs11Tool("--token-label=Keys tst", "--read-object", "--type=pubkey", "--id=01", "--output-file=" + pub);
                    KeyTools.Pkcs11Tool("--token-label=Keys tst", "--login", "--pin=" + SoftHsmFixture.UserPin, "--delete-object", "--type=pubkey", "--id=02");
                    KeyTools.Pkcs11Tool("--token-label=Keys tst", "--login", "--pin=" + SoftHsmFixture.UserPin, "--write-object=" + pub, "--type=pubkey", "--id=02", "--label=mismatch");
                }
                finally
                {
                    File.Delete(pub);
                }
                using (var session = Pkcs11KeySession.Open(library, token.Find(library), false, true, KeyTools.Pin()))
                {
                    var results = session.Find(Pkcs11ObjectClass.PrivateKey, null, null).SelectMany(k => Pkcs11KeyTester.Test(session, k)).ToList();
                    string Status(string key, string mechanism) => results.Single(r => r.Key == key && r.Mechanism == mechanism).Status;
                    Assert.Equal("Pass", Status("rsa", "CKM_RSA_PKCS"));
                    Assert.Equal("Pass", Status("rsa", "CKM_RSA_PKCS_PSS"));
                    Assert.Equal("Pass", Status("p256", "CKM_ECDSA"));
                    Assert.Equal("Pass", Status("p384", "CKM_ECDSA"));
                    Assert.Equal("Pass", Status("ed", "CKM_EDDSA"));
                    Assert.Equal("Fail", Status("mismatch", "CKM_RSA_PKCS"));
                    Assert.Contains("does not verify", results.First(r => r.Key == "mismatch").Detail);
                    Assert.Equal("Skipped", Status("nosign", string.Empty));
                    Assert.Contains("CKA_SIGN", results.Single(r => r.Key == "nosign").Detail);
                    Assert.All(results, r => Assert.Equal("Keys tst", r.Token));
                }
            }
        }

        [SkippableFact]
        public void AKeyPairWithoutCkaIdIsPairedByLabelAsPkcs11ToolMakesIt()
        {
            using (var token = new KeyToken(host.Fixture, "Keys noid"))
            using (var library = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2"))
            {
                KeyTools.Pkcs11Tool("--token-label=Keys noid", "--login", "--pin=" + SoftHsmFixture.UserPin, "--keypairgen", "--key-type=EC:prime256v1", "--label=no id");
                using (var session = Pkcs11KeySession.Open(library, token.Find(library), false, true, KeyTools.Pin()))
                {
                    Pkcs11Object key = Assert.Single(session.Find(Pkcs11ObjectClass.PrivateKey, null, null));
                    Assert.Equal(string.Empty, key.Id);
                    Pkcs11PublicKey publicKey = Pkcs11PublicKeyReader.Read(session, key);
                    Assert.Equal(Pkcs11ObjectClass.PublicKey, publicKey.Source);
                    Assert.Equal(Pkcs11PublicKeyReader.Read(session, Assert.Single(session.Find(Pkcs11ObjectClass.PublicKey, null, null))).Pem, publicKey.Pem);
                    Assert.Equal("Pass", Assert.Single(Pkcs11KeyTester.Test(session, key)).Status);
                }
            }
        }

        [SkippableFact]
        public void AnAlwaysAuthenticateKeyGetsAContextSpecificLoginForEachSignatureAndTheUserLogsInOnce()
        {
            using (var shim = host.NewShim())
            using (var token = new KeyToken(host.Fixture, "Keys always"))
            using (var library = Pkcs11Library.Load(shim.LibraryPath, "shim"))
            {
                KeyTools.Pkcs11Tool("--token-label=Keys always", "--login", "--pin=" + SoftHsmFixture.UserPin, "--keypairgen", "--key-type=EC:prime256v1",
                    "--label=always", "--id=0a", "--always-auth");
                shim.ResetLog();
                using (var session = Pkcs11KeySession.Open(library, token.Find(library), false, true, KeyTools.Pin()))
                {
                    Pkcs11Object key = Assert.Single(session.Find(Pkcs11ObjectClass.PrivateKey, null, null));
                    Assert.True(key.Flags.HasFlag(Pkcs11ObjectFlags.AlwaysAuthenticate));
                    Assert.Equal("Pass", Assert.Single(Pkcs11KeyTester.Test(session, key)).Status);
                    Pkcs11CertificateRequests.CreateSigningRequest(session, key, new Pkcs11CertificateRequestSpec { Subject = "CN=always" });
                }
                // The user's C_Login, then a CKU_CONTEXT_SPECIFIC one before each of the two signatures, all accepted.
                Assert.Equal(new[] { 0UL, 0UL, 0UL }, shim.Logins);
            }
        }

        // RFC 8032, 7.1, TEST 1 and TEST 2: the managed verifier agrees with the standard's vectors and rejects a changed byte.
        [Theory]
        [InlineData("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
        [InlineData("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
        public void TheEd25519VerifierAcceptsRfc8032VectorsAndNothingElse(string publicKey, string message, string signature)
        {
            byte[] key = SmartCardPS.Text.Hex.TryParse(publicKey), msg = SmartCardPS.Text.Hex.TryParse(message) ?? Array.Empty<byte>(), sig = SmartCardPS.Text.Hex.TryParse(signature);
            Assert.True(Ed25519Verifier.Verify(key, msg, sig));
            sig[5] ^= 1;
            Assert.False(Ed25519Verifier.Verify(key, msg, sig));
            sig[5] ^= 1;
            Assert.False(Ed25519Verifier.Verify(key, Der.Concat(msg, new byte[] { 0 }), sig));
        }
    }
}
