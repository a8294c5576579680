using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmartCardPS.Pkcs11
{
    /// <summary>What goes into a certificate request (or self-signed certificate) signed on a token.</summary>
    public sealed class Pkcs11CertificateRequestSpec
    {
        /// <summary>The subject, as X500DistinguishedName parses it ("CN=host, O=Example").</summary>
        public string Subject { get; set; }

        public string[] DnsNames { get; set; }
        public string[] Emails { get; set; }

        /// <summary>The keyUsage extension (critical); None leaves it out.</summary>
        public X509KeyUsageFlags KeyUsage { get; set; }

        /// <summary>extendedKeyUsage OIDs (1.3.6.1.5.5.7.3.1 server, .2 client, ...); none leaves it out.</summary>
        public string[] ExtendedKeyUsage { get; set; }

        /// <summary>SHA256 (default), SHA384 or SHA512; Ed25519 signs the whole request and ignores it.</summary>
        public HashAlgorithmName HashAlgorithm { get; set; } = HashAlgorithmName.SHA256;

        public Pkcs11RsaPadding RsaPadding { get; set; } = Pkcs11RsaPadding.Pkcs1;

        /// <summary>The extendedKeyUsage names New-Pkcs11CertificateRequest takes besides dotted OIDs.</summary>
        public static readonly IReadOnlyDictionary<string, string> ExtendedKeyUsageNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["ServerAuth"] = "1.3.6.1.5.5.7.3.1",
            ["ClientAuth"] = "1.3.6.1.5.5.7.3.2",
            ["CodeSigning"] = "1.3.6.1.5.5.7.3.3",
            ["EmailProtection"] = "1.3.6.1.5.5.7.3.4",
            ["TimeStamping"] = "1.3.6.1.5.5.7.3.8",
            ["OcspSigning"] = "1.3.6.1.5.5.7.3.9",
            ["SmartCardLogon"] = "1.3.6.1.4.1.311.20.2.2",
        };

        /// <summary>For a self-signed certificate: its validity.</summary>
        public DateTimeOffset NotBefore { get; set; } = DateTimeOffset.UtcNow.AddMinutes(-5);
        public DateTimeOffset NotAfter { get; set; } = DateTimeOffset.UtcNow.AddYears(1);
    }
}
