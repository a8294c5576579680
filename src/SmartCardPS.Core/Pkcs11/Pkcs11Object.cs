using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmartCardPS.Pkcs11
{
    /// <summary>An object on a PKCS#11 token: a certificate, a key or a data object, as p11tool --list-all lists it.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "An output object: the certificate it hands out is the caller's, as any X509Certificate2 property's is.")]
    public sealed class Pkcs11Object
    {
        public string Label { get; set; }

        /// <summary>CKA_ID as lowercase hex without separators (pkcs11-tool's form); empty when the object has none.</summary>
        public string Id { get; set; }

        public Pkcs11ObjectClass Class { get; set; }

        /// <summary>The CKK_ name without its prefix (RSA, EC, EC_EDWARDS, AES, ...) for keys; the public key's algorithm for certificates.</summary>
        public string KeyType { get; set; }

        /// <summary>Bits: the RSA modulus, the EC curve's field, a secret key's CKA_VALUE_LEN.</summary>
        public int? KeySize { get; set; }

        /// <summary>The EC curve (secp256r1, secp384r1, brainpoolP256r1, Ed25519, ...), or its OID when it has no name here.</summary>
        public string Curve { get; set; }

        public Pkcs11ObjectFlags Flags { get; set; }

        /// <summary>The RFC 7512 URI, byte for byte as p11tool --list-all prints it.</summary>
        public string Uri { get; set; }

        /// <summary>The token's label.</summary>
        public string Token { get; set; }
        public string TokenUri { get; set; }
        public string Module { get; set; }
        public ulong SlotId { get; set; }

        /// <summary>For X.509 certificates: the certificate (Subject, Issuer, NotAfter, Thumbprint, ...), built when first asked for.</summary>
        public X509Certificate2 Certificate
        {
            get
            {
                if (certificate == null && Value != null)
                {
                    try { certificate = new X509Certificate2(Value); }
                    catch (CryptographicException) { }
                }
                return certificate;
            }
            set => certificate = value;
        }

        /// <summary>For X.509 certificates: the certificate as PEM, as p11tool --export writes it.</summary>
        public string Pem
        {
            get => pem ?? (Value == null ? null : pem = Pkcs11ObjectReader.Pem("CERTIFICATE", Value));
            set => pem = value;
        }

        /// <summary>The certificate's DER bytes (CKA_VALUE), kept out of the listed properties.</summary>
        internal byte[] Value { get; set; }

        private X509Certificate2 certificate;
        private string pem;

        public override string ToString() => Uri;
    }
}
