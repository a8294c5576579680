using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// Certificate requests and self-signed certificates signed by a private key found in a Pkcs11KeySession (RSA and
    /// ECDSA through .NET's CertificateRequest, Ed25519 as DER of our own), and importing a certificate next to its key.
    /// </summary>
    public static class Pkcs11CertificateRequests
    {
        private const string SubjectAlternativeName = "2.5.29.17";

        public static Pkcs11CertificateRequest CreateSigningRequest(Pkcs11KeySession session, Pkcs11Object key, Pkcs11CertificateRequestSpec spec)
        {
            byte[] der = Build(session, key, spec, selfSigned: false, out string mechanism);
            return new Pkcs11CertificateRequest
            {
                Subject = new X500DistinguishedName(spec.Subject).Name,
                Key = key.Label,
                KeyUri = key.Uri,
                Mechanism = mechanism,
                Der = der,
                Pem = Pkcs11ObjectReader.Pem("CERTIFICATE REQUEST", der),
            };
        }

        public static X509Certificate2 CreateSelfSigned(Pkcs11KeySession session, Pkcs11Object key, Pkcs11CertificateRequestSpec spec) =>
            new X509Certificate2(Build(session, key, spec, selfSigned: true, out _));

        /// <summary>
        /// Puts <paramref name="certificate"/> on the token with the key's CKA_ID and label (so p11tool, ssh and browsers
        /// pair them), in a read-write session, and reads it back.
        /// </summary>
        public static Pkcs11Object Import(Pkcs11KeySession session, X509Certificate2 certificate, Pkcs11Object key)
        {
            if (session == null) throw new ArgumentNullException(nameof(session));
            if (certificate == null) throw new ArgumentNullException(nameof(certificate));
            if (key == null) throw new ArgumentNullException(nameof(key));
            var factory = session.Factories.ObjectAttributeFactory;
            var template = new List<IObjectAttribute>
            {
                factory.Create(CKA.CKA_CLASS, (ulong)CKO.CKO_CERTIFICATE), factory.Create(CKA.CKA_CERTIFICATE_TYPE, (ulong)CKC.CKC_X_509),
                factory.Create(CKA.CKA_TOKEN, true), factory.Create(CKA.CKA_PRIVATE, false),
                factory.Create(CKA.CKA_ID, Text.Hex.TryParse(key.Id) ?? Array.Empty<byte>()),
                factory.Create(CKA.CKA_LABEL, Encoding.UTF8.GetBytes(key.Label ?? string.Empty)),
                factory.Create(CKA.CKA_SUBJECT, certificate.SubjectName.RawData), factory.Create(CKA.CKA_ISSUER, certificate.IssuerName.RawData),
                factory.Create(CKA.CKA_SERIAL_NUMBER, Der.UnsignedInteger(Reverse(certificate.GetSerialNumber()))),
                factory.Create(CKA.CKA_VALUE, certificate.RawData),
            };
            IObjectHandle handle;
            try
            {
                handle = session.Call(s => s.CreateObject(template));
            }
            catch (Pkcs11ModuleException ex)
            {
                throw session.Failure(ex, "Importing the certificate");
            }
            return session.Remember(handle);
        }

        private static byte[] Build(Pkcs11KeySession session, Pkcs11Object key, Pkcs11CertificateRequestSpec spec, bool selfSigned, out string mechanism)
        {
            if (session == null) throw new ArgumentNullException(nameof(session));
            if (key == null) throw new ArgumentNullException(nameof(key));
            if (spec == null) throw new ArgumentNullException(nameof(spec));
            if (key.Class != Pkcs11ObjectClass.PrivateKey || !key.Flags.HasFlag(Pkcs11ObjectFlags.Sign))
            {
                throw new Pkcs11KeyException(Pkcs11KeyFailure.NotASigningKey, session.Library, session.Token,
                    $"{Text.UntrustedText.Quote(key.Label)} ({key.Uri}) is not a private key that may sign (CKA_SIGN), so it cannot sign a request.");
            }
            Pkcs11PublicKey publicKey = Pkcs11PublicKeyReader.Read(session, key);
            var subject = new X500DistinguishedName(spec.Subject ?? string.Empty);
            List<X509Extension> extensions = Extensions(spec, selfSigned);
            byte[] serial = selfSigned ? SerialNumber() : null;
            switch (publicKey.KeyType)
            {
                case "RSA":
                    mechanism = Require(session, spec.RsaPadding == Pkcs11RsaPadding.Pss ? Pkcs11Signatures.RsaPss : Pkcs11Signatures.RsaPkcs);
                    using (var rsa = new TokenRsa(session, key, publicKey))
                        return DotNet(subject, rsa, spec, extensions, selfSigned, serial, spec.RsaPadding == Pkcs11RsaPadding.Pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
                case "EC":
                    mechanism = Require(session, Pkcs11Signatures.Ecdsa);
                    using (var ecdsa = new TokenECDsa(session, key, publicKey))
                        return DotNet(subject, ecdsa, spec, extensions, selfSigned, serial, null);
                case "EC_EDWARDS":
                    mechanism = Require(session, Pkcs11Signatures.EdDsa);
                    Func<byte[], byte[]> sign = data => Pkcs11Signatures.Sign(session, key, Pkcs11Signatures.EdDsa, null, data);
                    return selfSigned
                        ? Ed25519Certificates.SelfSigned(subject, publicKey.Der, extensions, spec.NotBefore, spec.NotAfter, serial, sign)
                        : Ed25519Certificates.Request(subject, publicKey.Der, extensions, sign);
                default:
                    throw new Pkcs11KeyException(Pkcs11KeyFailure.NotASigningKey, session.Library, session.Token,
                        $"{Text.UntrustedText.Quote(key.Label)} is a {publicKey.KeyType} key ({publicKey.Curve}): requests are signed with RSA, EC (P-256, P-384, P-521) and Ed25519 keys.");
            }
        }

        private static byte[] DotNet(X500DistinguishedName subject, AsymmetricAlgorithm key, Pkcs11CertificateRequestSpec spec, List<X509Extension> extensions,
            bool selfSigned, byte[] serial, RSASignaturePadding padding)
        {
            var request = new DotNetCertificateRequest(subject, key, spec.HashAlgorithm, padding);
            foreach (X509Extension extension in extensions) request.Extensions.Add(extension);
            return selfSigned ? request.CreateSelfSigned(subject, spec.NotBefore, spec.NotAfter, serial).RawData : request.CreateSigningRequest();
        }

        /// <summary>The mechanism's name when the token lists it for signing; else MechanismNotSupported with what it signs with.</summary>
        internal static string Require(Pkcs11KeySession session, ulong type)
        {
            if (session.Mechanism(type, Pkcs11MechanismFlags.Sign) != null) return Pkcs11Names.Mechanism(type);
            var signing = session.Mechanisms.FindAll(m => m.Flags.HasFlag(Pkcs11MechanismFlags.Sign)).ConvertAll(m => m.Name);
            throw new Pkcs11KeyException(Pkcs11KeyFailure.MechanismNotSupported, session.Library, session.Token,
                $"the token does not list {Pkcs11Names.Mechanism(type)} for signing. It signs with: {(signing.Count > 0 ? string.Join(", ", signing) : "none")}.",
                (ulong)CKR.CKR_MECHANISM_INVALID);
        }

        private static List<X509Extension> Extensions(Pkcs11CertificateRequestSpec spec, bool selfSigned)
        {
            var extensions = new List<X509Extension>();
            if (selfSigned) extensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            if (spec.KeyUsage != X509KeyUsageFlags.None) extensions.Add(new X509KeyUsageExtension(spec.KeyUsage, true));
            if (spec.ExtendedKeyUsage != null && spec.ExtendedKeyUsage.Length > 0)
            {
                var oids = new OidCollection();
                foreach (string oid in spec.ExtendedKeyUsage) oids.Add(new Oid(oid));
                extensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
            }
            var names = new List<byte[]>();
            foreach (string dns in spec.DnsNames ?? Array.Empty<string>()) names.Add(Der.Element(0x82, Encoding.ASCII.GetBytes(Ia5(dns, "-DnsName"))));
            foreach (string email in spec.Emails ?? Array.Empty<string>()) names.Add(Der.Element(0x81, Encoding.ASCII.GetBytes(Ia5(email, "-Email"))));
            if (names.Count > 0) extensions.Add(new X509Extension(SubjectAlternativeName, Der.Sequence(names.ToArray()), false));
            return extensions;
        }

        /// <summary>DNS names and mail addresses are IA5String (ASCII): an internationalised name must come as its A-label (xn--...).</summary>
        private static string Ia5(string value, string parameter)
        {
            foreach (char c in value)
            {
                if (c < 0x21 || c > 0x7E) throw new ArgumentException($"{Text.UntrustedText.Quote(value)} is not ASCII without spaces or control characters, as a subjectAltName must be (give an IDN as xn--).", parameter);
            }
            return value;
        }

        /// <summary>16 random bytes, positive and without a leading zero, as RFC 5280 asks of a serial number.</summary>
        private static byte[] SerialNumber()
        {
            var serial = new byte[16];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(serial);
            serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
            return serial;
        }

        private static byte[] Reverse(byte[] bytes)
        {
            var copy = (byte[])bytes.Clone();
            Array.Reverse(copy);
            return copy;
        }
    }
}
