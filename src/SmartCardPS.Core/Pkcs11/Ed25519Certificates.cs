using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography.X509Certificates;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// PKCS#10 requests and self-signed certificates for Ed25519 keys (RFC 8410), written as DER here: .NET's
    /// CertificateRequest knows RSA and ECDSA only. The extensions are .NET's own X509Extension objects, as for the others.
    /// </summary>
    internal static class Ed25519Certificates
    {
        private const string Ed25519 = "1.3.101.112";
        private const string ExtensionRequest = "1.2.840.113549.1.9.14";

        public static byte[] Request(X500DistinguishedName subject, byte[] spki, IList<X509Extension> extensions, Func<byte[], byte[]> sign)
        {
            byte[] attributes = extensions.Count == 0
                ? Der.Element(0xA0, Array.Empty<byte>())
                : Der.Element(0xA0, Der.Sequence(Der.Oid(ExtensionRequest), Der.Set(Extensions(extensions))));
            byte[] info = Der.Sequence(Der.Integer(0), subject.RawData, spki, attributes);
            return Signed(info, sign);
        }

        public static byte[] SelfSigned(X500DistinguishedName subject, byte[] spki, IList<X509Extension> extensions,
            DateTimeOffset notBefore, DateTimeOffset notAfter, byte[] serialNumber, Func<byte[], byte[]> sign)
        {
            var tbs = new List<byte[]>
            {
                Der.Element(0xA0, Der.Integer(2)), Der.Element(0x02, serialNumber), Der.Sequence(Der.Oid(Ed25519)), subject.RawData,
                Der.Sequence(Der.Time(notBefore), Der.Time(notAfter)), subject.RawData, spki,
            };
            if (extensions.Count > 0) tbs.Add(Der.Element(0xA3, Extensions(extensions)));
            return Signed(Der.Sequence(tbs.ToArray()), sign);
        }

        private static byte[] Signed(byte[] toBeSigned, Func<byte[], byte[]> sign) =>
            Der.Sequence(toBeSigned, Der.Sequence(Der.Oid(Ed25519)), Der.BitString(sign(toBeSigned)));

        private static byte[] Extensions(IEnumerable<X509Extension> extensions) =>
            Der.Sequence(extensions.Select(e => e.Critical
                ? Der.Sequence(Der.Oid(e.Oid.Value), Der.Boolean(true), Der.OctetString(e.RawData))
                : Der.Sequence(Der.Oid(e.Oid.Value), Der.OctetString(e.RawData))).ToArray());
    }
}
