namespace SmartCardPS.Pkcs11
{
    /// <summary>What New-Pkcs11KeyPair asks the token for; the defaults are p11tool --generate-privkey's.</summary>
    public sealed class Pkcs11KeyPairSpec
    {
        public Pkcs11KeyAlgorithm Algorithm { get; set; } = Pkcs11KeyAlgorithm.Rsa;

        /// <summary>RSA modulus bits; p11tool's default is 2048.</summary>
        public int KeySize { get; set; } = 2048;

        /// <summary>P-256, P-384, P-521 for Ec; Ed25519 for EdDsa. Null takes P-256 (Ec) or Ed25519 (EdDsa).</summary>
        public string Curve { get; set; }

        /// <summary>CKA_LABEL of both keys; null or empty sets none.</summary>
        public string Label { get; set; }

        /// <summary>CKA_ID of both keys; null takes 20 random bytes, as p11tool does.</summary>
        public byte[] Id { get; set; }

        /// <summary>Null takes p11tool's: sign, decrypt and wrap for RSA and EC, sign for EdDSA.</summary>
        public Pkcs11KeyUsage? Usage { get; set; }

        /// <summary>CKA_EXTRACTABLE (and CKA_SENSITIVE false) on the private key: off unless asked, as p11tool does.</summary>
        public bool Extractable { get; set; }
    }
}
