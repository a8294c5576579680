namespace SmartCardPS.Pkcs11
{
    /// <summary>A PKCS#10 certificate request signed by a key on a token.</summary>
    public sealed class Pkcs11CertificateRequest
    {
        public string Subject { get; set; }

        /// <summary>The signing key's label and URI.</summary>
        public string Key { get; set; }
        public string KeyUri { get; set; }

        /// <summary>The PKCS#11 mechanism that signed it (CKM_RSA_PKCS, CKM_RSA_PKCS_PSS, CKM_ECDSA, CKM_EDDSA).</summary>
        public string Mechanism { get; set; }

        /// <summary>The request as openssl req and CAs take it (CERTIFICATE REQUEST, 64 columns).</summary>
        public string Pem { get; set; }

        /// <summary>The DER request.</summary>
        public byte[] Der { get; set; }

        public override string ToString() => Pem;
    }
}
