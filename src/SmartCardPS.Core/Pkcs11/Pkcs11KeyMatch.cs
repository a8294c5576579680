using System.Collections.Generic;
using System.Linq;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// Finds the key on a token that a certificate belongs to, by its public part: an RSA private or public key with the
    /// certificate's modulus, or an EC or Edwards (Ed25519, Ed448) public key with its point (private EC keys carry no
    /// point). Private keys win, as they are what OpenSSH, Firefox and GnuTLS look up by the certificate's CKA_ID.
    /// </summary>
    internal static class Pkcs11KeyMatch
    {
        /// <summary>CKK_EC_EDWARDS (PKCS#11 3.0), which Pkcs11Interop's CKK does not name.</summary>
        private const CKK EdwardsKeyType = (CKK)0x40;

        /// <summary>The CKA_ID of the matching key, or null when no key on the token (visible to this session) matches.</summary>
        public static byte[] IdOfKey(Pkcs11WriteSession write, Pkcs11CertificateData certificate)
        {
            if (certificate.Modulus != null)
            {
                return Search(write, CKO.CKO_PRIVATE_KEY, CKK.CKK_RSA, CKA.CKA_MODULUS, value => Same(Pkcs11CertificateData.Unsigned(value), certificate.Modulus))
                    ?? Search(write, CKO.CKO_PUBLIC_KEY, CKK.CKK_RSA, CKA.CKA_MODULUS, value => Same(Pkcs11CertificateData.Unsigned(value), certificate.Modulus));
            }
            return Search(write, CKO.CKO_PUBLIC_KEY, CKK.CKK_EC, CKA.CKA_EC_POINT, value => SamePoint(value, certificate.PublicKey))
                ?? Search(write, CKO.CKO_PUBLIC_KEY, EdwardsKeyType, CKA.CKA_EC_POINT, value => SamePoint(value, certificate.PublicKey));
        }

        private static byte[] Search(Pkcs11WriteSession write, CKO cls, CKK keyType, CKA attribute, System.Func<byte[], bool> matches)
        {
            var factory = write.Session.Factories.ObjectAttributeFactory;
            var template = new List<IObjectAttribute> { factory.Create(CKA.CKA_CLASS, cls), factory.Create(CKA.CKA_KEY_TYPE, keyType) };
            var wanted = new List<CKA> { attribute, CKA.CKA_ID };
            foreach (IObjectHandle handle in write.Call(() => write.Session.FindAllObjects(template)))
            {
                List<IObjectAttribute> values = write.Call(() => write.Session.GetAttributeValue(handle, wanted));
                if (values[0].CannotBeRead || values[1].CannotBeRead) continue;
                if (matches(values[0].GetValueAsByteArray())) return values[1].GetValueAsByteArray() ?? new byte[0];
            }
            return null;
        }

        private static bool Same(byte[] a, byte[] b) => a != null && b != null && a.SequenceEqual(b);

        /// <summary>CKA_EC_POINT is the point as a DER OCTET STRING (PKCS#11 2.40), or bare as some modules keep it.</summary>
        private static bool SamePoint(byte[] value, byte[] point)
        {
            if (value == null) return false;
            if (value.SequenceEqual(point)) return true;
            int header = value.Length > 2 && value[0] == 0x04 ? (value[1] < 0x80 ? 2 : 2 + (value[1] & 0x7F)) : -1;
            return header > 0 && value.Length - header == point.Length && value.Skip(header).SequenceEqual(point);
        }
    }
}
