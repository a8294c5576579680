using System.IO;
using System.Security.Cryptography;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// An ECDSA key whose private half is on a token: SignHash is C_Sign with CKM_ECDSA, which answers r || s as .NET's
    /// SignHash does (IEEE P1363); CertificateRequest turns it into DER itself.
    /// </summary>
    internal sealed class TokenECDsa : ECDsa
    {
        private readonly Pkcs11KeySession session;
        private readonly Pkcs11Object key;
        private readonly Pkcs11PublicKey publicKey;

        public TokenECDsa(Pkcs11KeySession session, Pkcs11Object key, Pkcs11PublicKey publicKey)
        {
            this.session = session;
            this.key = key;
            this.publicKey = publicKey;
            int size = publicKey.KeySize ?? 0;
            LegalKeySizesValue = new[] { new KeySizes(size, size, 0) };
            KeySizeValue = size;
        }

        public override ECParameters ExportParameters(bool includePrivateParameters)
        {
            if (includePrivateParameters) throw new CryptographicException("The private key stays on the token.");
            using (ECDsa ecdsa = publicKey.CreateECDsa()) return ecdsa.ExportParameters(false);
        }

        public override byte[] SignHash(byte[] hash) => Pkcs11Signatures.Sign(session, key, Pkcs11Signatures.Ecdsa, null, hash);

        public override bool VerifyHash(byte[] hash, byte[] signature)
        {
            using (ECDsa ecdsa = publicKey.CreateECDsa()) return ecdsa.VerifyHash(hash, signature);
        }

        protected override byte[] HashData(byte[] data, int offset, int count, HashAlgorithmName hashAlgorithm) =>
            Pkcs11Signatures.Hash(data, offset, count, hashAlgorithm);

        protected override byte[] HashData(Stream data, HashAlgorithmName hashAlgorithm) => Pkcs11Signatures.Hash(data, hashAlgorithm);
    }
}
