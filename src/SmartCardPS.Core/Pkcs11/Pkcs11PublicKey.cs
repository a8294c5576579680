using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// The public key of a key pair or certificate on a token, as SubjectPublicKeyInfo (Der, and Pem as p11tool
    /// --export-pubkey writes it) and as the OpenSSH line ssh-keygen -D prints (the key's label as the comment).
    /// </summary>
    public sealed class Pkcs11PublicKey
    {
        private const string RsaOid = "1.2.840.113549.1.1.1";
        private const string EcOid = "1.2.840.10045.2.1";
        private const string Ed25519Oid = "1.3.101.112";

        /// <summary>RSA, EC or EC_EDWARDS, as Get-Pkcs11Object names key types.</summary>
        public string KeyType { get; set; }
        public int? KeySize { get; set; }
        public string Curve { get; set; }

        /// <summary>The label of the object the key was read from (the comment of the OpenSSH line).</summary>
        public string Label { get; set; }
        public string Id { get; set; }

        /// <summary>The URI of the object the key was read from: a public key, a private key or a certificate.</summary>
        public string Uri { get; set; }

        /// <summary>Where the key came from: PublicKey (the object with the key's CKA_ID), PrivateKey (its own attributes) or Certificate.</summary>
        public Pkcs11ObjectClass Source { get; set; }

        /// <summary>The DER SubjectPublicKeyInfo.</summary>
        public byte[] Der { get; set; }

        public string Pem => Der == null ? null : Pkcs11ObjectReader.Pem("PUBLIC KEY", Der);

        /// <summary>The authorized_keys line; null for a key type OpenSSH has no name for.</summary>
        public string OpenSsh
        {
            get
            {
                byte[] blob = SshBlob(out string type);
                if (blob == null) return null;
                string line = type + " " + Convert.ToBase64String(blob);
                return string.IsNullOrEmpty(Label) ? line : line + " " + Label;
            }
        }

        // The parts the key was built from, for OpenSSH and for verifying signatures in .NET.
        internal byte[] Modulus { get; private set; }
        internal byte[] Exponent { get; private set; }
        internal string CurveOid { get; private set; }
        internal byte[] Point { get; private set; }

        internal static Pkcs11PublicKey FromRsa(byte[] modulus, byte[] exponent)
        {
            byte[] key = Pkcs11.Der.Sequence(Pkcs11.Der.UnsignedInteger(modulus), Pkcs11.Der.UnsignedInteger(exponent));
            return new Pkcs11PublicKey
            {
                KeyType = "RSA",
                Modulus = Magnitude(modulus),
                Exponent = Magnitude(exponent),
                Der = Pkcs11.Der.Sequence(Pkcs11.Der.Sequence(Pkcs11.Der.Oid(RsaOid), Pkcs11.Der.Null()), Pkcs11.Der.BitString(key)),
                KeySize = BitLength(Magnitude(modulus)),
            };
        }

        /// <summary>From CKA_EC_PARAMS and the point (CKA_EC_POINT, DER-wrapped or raw); null for parameters it cannot name.</summary>
        internal static Pkcs11PublicKey FromEc(byte[] ecParams, byte[] ecPoint)
        {
            string curve = EcCurves.Name(ecParams, out int? bits);
            if (curve == null || ecPoint == null) return null;
            bool edwards = curve == "Ed25519";
            int expected = edwards ? 32 : bits.HasValue ? 1 + 2 * ((bits.Value + 7) / 8) : -1;
            byte[] wrapped = Pkcs11.Der.Unwrap(ecPoint, 0x04);
            byte[] point = wrapped != null && (expected < 0 || wrapped.Length == expected) ? wrapped : ecPoint;
            var key = new Pkcs11PublicKey { Curve = curve, KeySize = bits, Point = point };
            if (edwards)
            {
                key.KeyType = "EC_EDWARDS";
                key.CurveOid = Ed25519Oid;
                key.Der = Pkcs11.Der.Sequence(Pkcs11.Der.Sequence(Pkcs11.Der.Oid(Ed25519Oid)), Pkcs11.Der.BitString(point));
            }
            else
            {
                if (ecParams[0] != 0x06) return null;
                key.KeyType = "EC";
                key.CurveOid = EcCurves.Oid(ecParams, 2, ecParams.Length - 2);
                key.Der = Pkcs11.Der.Sequence(Pkcs11.Der.Sequence(Pkcs11.Der.Oid(EcOid), ecParams), Pkcs11.Der.BitString(point));
            }
            return key;
        }

        /// <summary>From a DER SubjectPublicKeyInfo (a certificate's, or CKA_PUBLIC_KEY_INFO); null for what it cannot read.</summary>
        internal static Pkcs11PublicKey FromSubjectPublicKeyInfo(byte[] spki)
        {
            byte[] body = Pkcs11.Der.Unwrap(spki, 0x30);
            int pos = 0;
            if (body == null || !Pkcs11.Der.Read(body, ref pos, out byte algTag, out byte[] algorithm) || algTag != 0x30
                || !Pkcs11.Der.Read(body, ref pos, out byte keyTag, out byte[] bits) || keyTag != 0x03 || bits.Length < 1) return null;
            byte[] keyBytes = new byte[bits.Length - 1];
            Array.Copy(bits, 1, keyBytes, 0, keyBytes.Length);
            int a = 0;
            if (!Pkcs11.Der.Read(algorithm, ref a, out byte oidTag, out byte[] oid) || oidTag != 0x06) return null;
            string algorithmOid = EcCurves.Oid(oid, 0, oid.Length);
            if (algorithmOid == RsaOid)
            {
                byte[] seq = Pkcs11.Der.Unwrap(keyBytes, 0x30);
                int p = 0;
                if (seq == null || !Pkcs11.Der.Read(seq, ref p, out _, out byte[] n) || !Pkcs11.Der.Read(seq, ref p, out _, out byte[] e)) return null;
                return FromRsa(n, e);
            }
            if (algorithmOid == EcOid)
            {
                int start = a;
                if (!Pkcs11.Der.Read(algorithm, ref a, out byte curveTag, out _) || curveTag != 0x06) return null;
                byte[] ecParams = new byte[a - start];
                Array.Copy(algorithm, start, ecParams, 0, ecParams.Length);
                return FromEc(ecParams, keyBytes);
            }
            if (algorithmOid == Ed25519Oid) return FromEc(Pkcs11.Der.Oid(Ed25519Oid), keyBytes);
            return null;
        }

        internal RSA CreateRsa()
        {
            var rsa = RSA.Create();
            rsa.ImportParameters(new RSAParameters { Modulus = Modulus, Exponent = Exponent });
            return rsa;
        }

        internal ECDsa CreateECDsa()
        {
            int size = (Point.Length - 1) / 2;
            var ecdsa = ECDsa.Create();
            ecdsa.ImportParameters(new ECParameters
            {
                Curve = ECCurve.CreateFromValue(CurveOid),
                Q = new ECPoint { X = Slice(Point, 1, size), Y = Slice(Point, 1 + size, size) },
            });
            return ecdsa;
        }

        private byte[] SshBlob(out string type)
        {
            type = null;
            var ms = new MemoryStream();
            switch (KeyType)
            {
                case "RSA":
                    type = "ssh-rsa";
                    SshString(ms, Encoding.ASCII.GetBytes(type));
                    SshString(ms, Mpint(Exponent));
                    SshString(ms, Mpint(Modulus));
                    break;
                case "EC":
                    string nist = Curve == "secp256r1" ? "nistp256" : Curve == "secp384r1" ? "nistp384" : Curve == "secp521r1" ? "nistp521" : null;
                    if (nist == null) return null;
                    type = "ecdsa-sha2-" + nist;
                    SshString(ms, Encoding.ASCII.GetBytes(type));
                    SshString(ms, Encoding.ASCII.GetBytes(nist));
                    SshString(ms, Point);
                    break;
                case "EC_EDWARDS":
                    type = "ssh-ed25519";
                    SshString(ms, Encoding.ASCII.GetBytes(type));
                    SshString(ms, Point);
                    break;
                default:
                    return null;
            }
            return ms.ToArray();
        }

        private static byte[] Mpint(byte[] magnitude) => Pkcs11.Der.Unsigned(magnitude);

        private static void SshString(Stream s, byte[] data)
        {
            s.WriteByte((byte)(data.Length >> 24));
            s.WriteByte((byte)(data.Length >> 16));
            s.WriteByte((byte)(data.Length >> 8));
            s.WriteByte((byte)data.Length);
            s.Write(data, 0, data.Length);
        }

        /// <summary>The big-endian number without leading zero bytes, as RSAParameters takes it.</summary>
        private static byte[] Magnitude(byte[] bytes)
        {
            int i = 0;
            while (i < bytes.Length - 1 && bytes[i] == 0) i++;
            return Slice(bytes, i, bytes.Length - i);
        }

        private static byte[] Slice(byte[] bytes, int offset, int count)
        {
            var result = new byte[count];
            Array.Copy(bytes, offset, result, 0, count);
            return result;
        }

        private static int BitLength(byte[] magnitude)
        {
            if (magnitude.Length == 0) return 0;
            int bits = (magnitude.Length - 1) * 8;
            for (int b = magnitude[0]; b != 0; b >>= 1) bits++;
            return bits;
        }
    }
}
