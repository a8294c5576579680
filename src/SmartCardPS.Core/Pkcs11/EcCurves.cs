using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>Names the curve of a CKA_EC_PARAMS value: a DER OID (namedCurve) or, for PKCS#11 3.0 Edwards/Montgomery keys, a PrintableString.</summary>
    internal static class EcCurves
    {
        private static readonly Dictionary<string, KeyValuePair<string, int>> Known = new Dictionary<string, KeyValuePair<string, int>>(StringComparer.Ordinal)
        {
            ["1.2.840.10045.3.1.1"] = Curve("secp192r1", 192),
            ["1.3.132.0.33"] = Curve("secp224r1", 224),
            ["1.2.840.10045.3.1.7"] = Curve("secp256r1", 256),
            ["1.3.132.0.34"] = Curve("secp384r1", 384),
            ["1.3.132.0.35"] = Curve("secp521r1", 521),
            ["1.3.132.0.10"] = Curve("secp256k1", 256),
            ["1.3.36.3.3.2.8.1.1.7"] = Curve("brainpoolP256r1", 256),
            ["1.3.36.3.3.2.8.1.1.11"] = Curve("brainpoolP384r1", 384),
            ["1.3.36.3.3.2.8.1.1.13"] = Curve("brainpoolP512r1", 512),
            ["1.3.101.110"] = Curve("X25519", 255),
            ["1.3.101.111"] = Curve("X448", 448),
            ["1.3.101.112"] = Curve("Ed25519", 255),
            ["1.3.101.113"] = Curve("Ed448", 448),
            ["edwards25519"] = Curve("Ed25519", 255),
            ["edwards448"] = Curve("Ed448", 448),
            ["curve25519"] = Curve("X25519", 255),
            ["curve448"] = Curve("X448", 448),
        };

        private static KeyValuePair<string, int> Curve(string name, int bits) => new KeyValuePair<string, int>(name, bits);

        /// <summary>The curve's name and size; the dotted OID and no size for a curve not listed; null for unreadable parameters.</summary>
        public static string Name(byte[] ecParams, out int? bits)
        {
            bits = null;
            return Lookup(Decode(ecParams), out bits);
        }

        /// <summary>The curve a dotted OID (or a PKCS#11 3.0 curve name) stands for, as <see cref="Name"/> gives it.</summary>
        public static string Lookup(string key, out int? bits)
        {
            bits = null;
            if (key == null) return null;
            if (!Known.TryGetValue(key, out var curve)) return key;
            bits = curve.Value;
            return curve.Key;
        }

        private static string Decode(byte[] der)
        {
            if (der == null || der.Length < 2 || der[1] >= 0x80 || der[1] != der.Length - 2) return null;
            if (der[0] == 0x13) return Encoding.ASCII.GetString(der, 2, der.Length - 2);
            if (der[0] != 0x06 || der.Length < 3) return null;
            return Oid(der, 2, der.Length - 2);
        }

        /// <summary>The dotted form of the OID whose content octets are <paramref name="count"/> bytes at <paramref name="offset"/>.</summary>
        internal static string Oid(byte[] der, int offset, int count)
        {
            if (count < 1) return null;
            var sb = new StringBuilder();
            sb.Append((der[offset] / 40).ToString(CultureInfo.InvariantCulture)).Append('.').Append((der[offset] % 40).ToString(CultureInfo.InvariantCulture));
            ulong arc = 0;
            for (int i = offset + 1; i < offset + count; i++)
            {
                arc = (arc << 7) | (uint)(der[i] & 0x7F);
                if ((der[i] & 0x80) != 0) continue;
                sb.Append('.').Append(arc.ToString(CultureInfo.InvariantCulture));
                arc = 0;
            }
            return sb.ToString();
        }
    }
}
