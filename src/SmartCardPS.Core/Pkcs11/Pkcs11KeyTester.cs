using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Security.Cryptography;
using SmartCardPS.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// What p11tool --test-sign and pkcs11-tool --test do for one key, for each private key and each signature mechanism
    /// the token lists for its type: sign a fresh random challenge on the token, verify it outside the token with the public
    /// key paired by CKA_ID (else the certificate with that CKA_ID, else the private key's own public attributes).
    /// </summary>
    public static class Pkcs11KeyTester
    {
        public static List<Pkcs11KeyTestResult> Test(Pkcs11KeySession session, Pkcs11Object key)
        {
            if (session == null) throw new ArgumentNullException(nameof(session));
            if (key == null) throw new ArgumentNullException(nameof(key));
            var results = new List<Pkcs11KeyTestResult>();
            if (!key.Flags.HasFlag(Pkcs11ObjectFlags.Sign))
            {
                results.Add(Result(session, key, string.Empty, Pkcs11KeyTestStatus.Skipped, "The key may not sign (CKA_SIGN is false).", TimeSpan.Zero));
                return results;
            }
            Pkcs11PublicKey publicKey;
            try
            {
                publicKey = PublicKeyOf(session, key);
            }
            catch (Pkcs11KeyException ex)
            {
                results.Add(Result(session, key, string.Empty, Pkcs11KeyTestStatus.Skipped, ex.Reason, TimeSpan.Zero));
                return results;
            }
            ulong[] candidates = Mechanisms(publicKey.KeyType);
            foreach (ulong type in candidates)
            {
                if (session.Mechanism(type, Pkcs11MechanismFlags.Sign) == null) continue;
                results.Add(TestOne(session, key, publicKey, type));
            }
            if (results.Count == 0)
            {
                results.Add(Result(session, key, string.Empty, Pkcs11KeyTestStatus.Skipped,
                    candidates.Length == 0 ? $"No signature mechanism is tested for {publicKey.KeyType} keys." : "The token lists no signature mechanism for this key type.", TimeSpan.Zero));
            }
            return results;
        }

        private static ulong[] Mechanisms(string keyType)
        {
            switch (keyType)
            {
                case "RSA": return new[] { Pkcs11Signatures.RsaPkcs, Pkcs11Signatures.RsaPss };
                case "EC": return new[] { Pkcs11Signatures.Ecdsa };
                case "EC_EDWARDS": return new[] { Pkcs11Signatures.EdDsa };
                default: return Array.Empty<ulong>();
            }
        }

        private static Pkcs11PublicKey PublicKeyOf(Pkcs11KeySession session, Pkcs11Object key)
        {
            if (Pkcs11PublicKeyReader.PublicHalf(session, key) == null)
            {
                byte[] id = Hex.TryParse(key.Id);
                var certificates = id == null || id.Length == 0 ? new List<Pkcs11Object>() : session.Find(Pkcs11ObjectClass.Certificate, id, null);
                if (certificates.Count == 1) return Pkcs11PublicKeyReader.Read(session, certificates[0]);
            }
            return Pkcs11PublicKeyReader.Read(session, key);
        }

        private static Pkcs11KeyTestResult TestOne(Pkcs11KeySession session, Pkcs11Object key, Pkcs11PublicKey publicKey, ulong type)
        {
            string mechanism = Pkcs11Names.Mechanism(type);
            var challenge = new byte[32];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(challenge);
            var clock = Stopwatch.StartNew();
            try
            {
                bool verified;
                byte[] hash = Pkcs11Signatures.Hash(challenge, 0, challenge.Length, HashAlgorithmName.SHA256);
                switch (type)
                {
                    case Pkcs11Signatures.RsaPkcs:
                    case Pkcs11Signatures.RsaPss:
                        var padding = type == Pkcs11Signatures.RsaPss ? Pkcs11RsaPadding.Pss : Pkcs11RsaPadding.Pkcs1;
                        byte[] rsaSignature = Pkcs11Signatures.SignRsa(session, key, hash, HashAlgorithmName.SHA256, padding);
                        using (RSA rsa = publicKey.CreateRsa())
                            verified = rsa.VerifyHash(hash, rsaSignature, HashAlgorithmName.SHA256, padding == Pkcs11RsaPadding.Pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
                        break;
                    case Pkcs11Signatures.Ecdsa:
                        byte[] ecSignature = Pkcs11Signatures.Sign(session, key, type, null, hash);
                        using (ECDsa ecdsa = publicKey.CreateECDsa()) verified = ecdsa.VerifyHash(hash, ecSignature);
                        break;
                    default:
                        verified = Ed25519Verifier.Verify(publicKey.Point, challenge, Pkcs11Signatures.Sign(session, key, type, null, challenge));
                        break;
                }
                string from = $"the public key of {UntrustedText.Quote(publicKey.Label)} ({publicKey.Source})";
                return Result(session, key, mechanism, verified ? Pkcs11KeyTestStatus.Pass : Pkcs11KeyTestStatus.Fail,
                    verified ? $"The signature of a random challenge verified with {from}." : $"The token signed, but the signature does not verify with {from}: the public key does not belong to this private key.",
                    clock.Elapsed);
            }
            catch (Exception ex) when (ex is Pkcs11KeyException || ex is CryptographicException)
            {
                return Result(session, key, mechanism, Pkcs11KeyTestStatus.Fail, ex is Pkcs11KeyException k ? k.Reason : ex.Message, clock.Elapsed);
            }
        }

        private static Pkcs11KeyTestResult Result(Pkcs11KeySession session, Pkcs11Object key, string mechanism, Pkcs11KeyTestStatus status, string detail, TimeSpan elapsed) =>
            new Pkcs11KeyTestResult
            {
                Key = key.Label,
                KeyUri = key.Uri,
                Token = session.Token.Label,
                Mechanism = mechanism,
                Status = status.ToString(),
                Detail = detail,
                Elapsed = elapsed,
            };
    }
}
