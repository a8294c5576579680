using System;
using System.Numerics;
using System.Security.Cryptography;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// Ed25519 signature verification (RFC 8032, 5.1.7) in managed code, so Test-Pkcs11Key checks a token's EdDSA
    /// signatures with the public key outside the token, as it does RSA and ECDSA with .NET: .NET has no Ed25519.
    /// Extended coordinates over BigInteger: slow next to a native library, but verification is all it does.
    /// </summary>
    internal static class Ed25519Verifier
    {
        private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
        private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);
        private static readonly BigInteger D = Mod(-121665 * Inverse(121666));
        private static readonly BigInteger SqrtMinusOne = BigInteger.ModPow(2, (P - 1) / 4, P);
        private static readonly BigInteger[] Base = BasePoint();

        public static bool Verify(byte[] publicKey, byte[] message, byte[] signature)
        {
            if (publicKey == null || publicKey.Length != 32 || signature == null || signature.Length != 64) return false;
            BigInteger[] a = Decompress(publicKey, 0);
            BigInteger[] r = Decompress(signature, 0);
            if (a == null || r == null) return false;
            BigInteger s = LittleEndian(signature, 32, 32);
            if (s >= L) return false;
            byte[] digest;
            using (SHA512 sha = SHA512.Create()) digest = sha.ComputeHash(Der.Concat(Slice(signature, 0, 32), publicKey, message));
            BigInteger h = LittleEndian(digest, 0, 64) % L;
            return Same(Multiply(s, Base), Add(r, Multiply(h, a)));
        }

        private static BigInteger Mod(BigInteger x)
        {
            BigInteger r = x % P;
            return r.Sign < 0 ? r + P : r;
        }

        private static BigInteger Inverse(BigInteger x) => BigInteger.ModPow(Mod(x), P - 2, P);

        private static BigInteger[] Add(BigInteger[] p, BigInteger[] q)
        {
            BigInteger a = Mod((p[1] - p[0]) * (q[1] - q[0]));
            BigInteger b = Mod((p[1] + p[0]) * (q[1] + q[0]));
            BigInteger c = Mod(2 * p[3] * q[3] * D);
            BigInteger d = Mod(2 * p[2] * q[2]);
            BigInteger e = b - a, f = d - c, g = d + c, h = b + a;
            return new[] { Mod(e * f), Mod(g * h), Mod(f * g), Mod(e * h) };
        }

        private static BigInteger[] Multiply(BigInteger scalar, BigInteger[] point)
        {
            BigInteger[] result = { BigInteger.Zero, BigInteger.One, BigInteger.One, BigInteger.Zero };
            while (scalar > 0)
            {
                if (!scalar.IsEven) result = Add(result, point);
                point = Add(point, point);
                scalar >>= 1;
            }
            return result;
        }

        private static bool Same(BigInteger[] p, BigInteger[] q) =>
            Mod(p[0] * q[2] - q[0] * p[2]).IsZero && Mod(p[1] * q[2] - q[1] * p[2]).IsZero;

        private static BigInteger? RecoverX(BigInteger y, bool sign)
        {
            if (y >= P) return null;
            BigInteger x2 = Mod((y * y - 1) * Inverse(D * y * y + 1));
            if (x2.IsZero) return sign ? (BigInteger?)null : BigInteger.Zero;
            BigInteger x = BigInteger.ModPow(x2, (P + 3) / 8, P);
            if (!Mod(x * x - x2).IsZero) x = Mod(x * SqrtMinusOne);
            if (!Mod(x * x - x2).IsZero) return null;
            if (!x.IsEven != sign) x = P - x;
            return x;
        }

        private static BigInteger[] Decompress(byte[] bytes, int offset)
        {
            byte[] copy = Slice(bytes, offset, 32);
            bool sign = (copy[31] & 0x80) != 0;
            copy[31] &= 0x7F;
            BigInteger y = LittleEndian(copy, 0, 32);
            BigInteger? x = RecoverX(y, sign);
            return x.HasValue ? new[] { x.Value, y, BigInteger.One, Mod(x.Value * y) } : null;
        }

        private static BigInteger[] BasePoint()
        {
            BigInteger y = Mod(4 * Inverse(5));
            BigInteger x = RecoverX(y, false).Value;
            return new[] { x, y, BigInteger.One, Mod(x * y) };
        }

        private static BigInteger LittleEndian(byte[] bytes, int offset, int count)
        {
            var unsigned = new byte[count + 1];
            Array.Copy(bytes, offset, unsigned, 0, count);
            return new BigInteger(unsigned);
        }

        private static byte[] Slice(byte[] bytes, int offset, int count)
        {
            var result = new byte[count];
            Array.Copy(bytes, offset, result, 0, count);
            return result;
        }
    }
}
