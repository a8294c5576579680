using System.Collections.Generic;
using Net.Pkcs11Interop.Common;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// The public key of an object found in a Pkcs11KeySession: a public key's own attributes, a certificate's
    /// SubjectPublicKeyInfo, or for a private key the public key object with its CKA_ID (what p11tool and ssh-keygen
    /// pair it with), else what the private key itself holds (CKA_PUBLIC_KEY_INFO, or an RSA key's modulus and exponent).
    /// </summary>
    public static class Pkcs11PublicKeyReader
    {
        private const CKA PublicKeyInfo = (CKA)0x129;

        public static Pkcs11PublicKey Read(Pkcs11KeySession session, Pkcs11Object obj)
        {
            if (session == null) throw new System.ArgumentNullException(nameof(session));
            if (obj == null) throw new System.ArgumentNullException(nameof(obj));
            Pkcs11PublicKey key;
            Pkcs11ObjectClass source = obj.Class;
            switch (obj.Class)
            {
                case Pkcs11ObjectClass.Certificate:
                    key = obj.Value == null ? null : Pkcs11PublicKey.FromSubjectPublicKeyInfo(CertificateSpki(obj.Value));
                    break;
                case Pkcs11ObjectClass.PublicKey:
                    key = FromAttributes(session, obj);
                    break;
                case Pkcs11ObjectClass.PrivateKey:
                    Pkcs11Object pair = PublicHalf(session, obj);
                    key = pair != null ? FromAttributes(session, pair) : null;
                    if (key != null) source = Pkcs11ObjectClass.PublicKey;
                    else key = FromAttributes(session, obj);
                    break;
                default:
                    key = null;
                    break;
            }
            if (key == null)
            {
                throw new Pkcs11KeyException(Pkcs11KeyFailure.NoPublicKey, session.Library, session.Token,
                    $"no public key can be read for {Text.UntrustedText.Quote(obj.Label)} ({obj.Uri}): it is no key or certificate, no public key object has its CKA_ID, and the object itself does not hold the public key.");
            }
            key.Label = obj.Label;
            key.Id = obj.Id;
            key.Uri = obj.Uri;
            key.Source = source;
            return key;
        }

        /// <summary>
        /// The one public key with the private key's CKA_ID; for a key without CKA_ID (pkcs11-tool --keypairgen sets none)
        /// the one public key with its label and no CKA_ID either; null when there is no such key.
        /// </summary>
        internal static Pkcs11Object PublicHalf(Pkcs11KeySession session, Pkcs11Object privateKey)
        {
            byte[] id = Text.Hex.TryParse(privateKey.Id);
            if (id == null || id.Length == 0)
            {
                if (string.IsNullOrEmpty(privateKey.Label)) return null;
                List<Pkcs11Object> sameLabel = session.Find(Pkcs11ObjectClass.PublicKey, null, privateKey.Label).FindAll(o => string.IsNullOrEmpty(o.Id));
                return sameLabel.Count == 1 ? sameLabel[0] : null;
            }
            List<Pkcs11Object> found = session.Find(Pkcs11ObjectClass.PublicKey, id, null);
            return found.Count == 1 ? found[0] : found.Find(o => o.Label == privateKey.Label);
        }

        private static Pkcs11PublicKey FromAttributes(Pkcs11KeySession session, Pkcs11Object obj)
        {
            var values = session.Attributes(obj, PublicKeyInfo, CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT, CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT);
            if (values.TryGetValue(PublicKeyInfo, out byte[] spki) && spki != null && spki.Length > 0)
            {
                Pkcs11PublicKey fromInfo = Pkcs11PublicKey.FromSubjectPublicKeyInfo(spki);
                if (fromInfo != null) return fromInfo;
            }
            if (Present(values, CKA.CKA_MODULUS) && Present(values, CKA.CKA_PUBLIC_EXPONENT))
                return Pkcs11PublicKey.FromRsa(values[CKA.CKA_MODULUS], values[CKA.CKA_PUBLIC_EXPONENT]);
            if (Present(values, CKA.CKA_EC_PARAMS) && Present(values, CKA.CKA_EC_POINT))
                return Pkcs11PublicKey.FromEc(values[CKA.CKA_EC_PARAMS], values[CKA.CKA_EC_POINT]);
            return null;
        }

        private static bool Present(Dictionary<CKA, byte[]> values, CKA type) => values.TryGetValue(type, out byte[] v) && v != null && v.Length > 0;

        /// <summary>The SubjectPublicKeyInfo element of a DER certificate (the seventh field of TBSCertificate, counting the optional version).</summary>
        internal static byte[] CertificateSpki(byte[] certificate)
        {
            byte[] cert = Der.Unwrap(certificate, 0x30);
            int pos = 0;
            if (cert == null || !Der.Read(cert, ref pos, out byte tbsTag, out byte[] tbs) || tbsTag != 0x30) return null;
            int p = 0;
            if (tbs.Length > 0 && tbs[0] == 0xA0 && !Der.Read(tbs, ref p, out _, out _)) return null;
            for (int field = 0; field < 5; field++)
            {
                if (!Der.Read(tbs, ref p, out _, out _)) return null; // serial, signature, issuer, validity, subject
            }
            int start = p;
            if (!Der.Read(tbs, ref p, out byte spkiTag, out _) || spkiTag != 0x30) return null;
            var spki = new byte[p - start];
            System.Array.Copy(tbs, start, spki, 0, spki.Length);
            return spki;
        }
    }
}
