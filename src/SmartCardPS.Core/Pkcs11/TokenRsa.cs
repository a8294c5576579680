using System;
using System.IO;
using System.Security.Cryptography;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// An RSA key whose private half is on a token: .NET's CertificateRequest signs through it (SignHash is C_Sign), and
    /// the private key is never exported. The padding of each signature comes from .NET (PKCS#1 or PSS).
    /// </summary>
    internal sealed class TokenRsa : RSA
    {
        private readonly Pkcs11KeySession session;
        private readonly Pkcs11Object key;
        private readonly Pkcs11PublicKey publicKey;

        public TokenRsa(Pkcs11KeySession session, Pkcs11Object key, Pkcs11PublicKey publicKey)
        {
            this.session = session;
            this.key = key;
            this.publicKey = publicKey;
            int size = publicKey.KeySize ?? 0;
            LegalKeySizesValue = new[] { new KeySizes(size, size, 0) };
            KeySizeValue = size;
        }

        public override RSAParameters ExportParameters(bool includePrivateParameters)
        {
            if (includePrivateParameters) throw new CryptographicException("The private key stays on the token.");
            return new RSAParameters { Modulus = publicKey.Modulus, Exponent = publicKey.Exponent };
        }

        public override void ImportParameters(RSAParameters parameters) => throw new NotSupportedException("A token key cannot be replaced.");

        public override byte[] SignHash(byte[] hash, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding) =>
            Pkcs11Signatures.SignRsa(session, key, hash, hashAlgorithm, padding == RSASignaturePadding.Pss ? Pkcs11RsaPadding.Pss : Pkcs11RsaPadding.Pkcs1);

        public override bool VerifyHash(byte[] hash, byte[] signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
        {
            using (RSA rsa = publicKey.CreateRsa()) return rsa.VerifyHash(hash, signature, hashAlgorithm, padding);
        }

        protected override byte[] HashData(byte[] data, int offset, int count, HashAlgorithmName hashAlgorithm) =>
            Pkcs11Signatures.Hash(data, offset, count, hashAlgorithm);

        protected override byte[] HashData(Stream data, HashAlgorithmName hashAlgorithm) => Pkcs11Signatures.Hash(data, hashAlgorithm);
    }
}
