using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// The few DER elements the key code writes and reads (SubjectPublicKeyInfo, Ed25519 requests and certificates,
    /// X.509 extensions): netstandard2.0 has no AsnWriter, and these are all definite-length, so a page of code does.
    /// </summary>
    internal static class Der
    {
        public static byte[] Element(byte tag, byte[] content)
        {
            var ms = new MemoryStream(content.Length + 6);
            ms.WriteByte(tag);
            int length = content.Length;
            if (length < 0x80) ms.WriteByte((byte)length);
            else
            {
                var bytes = new List<byte>();
                for (int l = length; l > 0; l >>= 8) bytes.Insert(0, (byte)l);
                ms.WriteByte((byte)(0x80 | bytes.Count));
                foreach (byte b in bytes) ms.WriteByte(b);
            }
            ms.Write(content, 0, content.Length);
            return ms.ToArray();
        }

        public static byte[] Concat(params byte[][] parts)
        {
            var ms = new MemoryStream();
            foreach (byte[] part in parts) ms.Write(part, 0, part.Length);
            return ms.ToArray();
        }

        public static byte[] Sequence(params byte[][] items) => Element(0x30, Concat(items));
        public static byte[] Set(params byte[][] items) => Element(0x31, Concat(items));
        public static byte[] Null() => new byte[] { 0x05, 0x00 };
        public static byte[] Boolean(bool value) => new byte[] { 0x01, 0x01, value ? (byte)0xFF : (byte)0x00 };
        public static byte[] OctetString(byte[] content) => Element(0x04, content);
        public static byte[] BitString(byte[] content) => Element(0x03, Concat(new byte[] { 0 }, content));
        public static byte[] Utf8String(string text) => Element(0x0C, Encoding.UTF8.GetBytes(text));

        /// <summary>A non-negative INTEGER from its big-endian magnitude: leading zeros dropped, one added when the top bit is set.</summary>
        public static byte[] UnsignedInteger(byte[] magnitude) => Element(0x02, Unsigned(magnitude));

        public static byte[] Integer(long value)
        {
            var bytes = new List<byte>();
            do
            {
                bytes.Insert(0, (byte)value);
                value >>= 8;
            }
            while (value != 0 && value != -1);
            if (value == 0 && (bytes[0] & 0x80) != 0) bytes.Insert(0, 0);
            return Element(0x02, bytes.ToArray());
        }

        internal static byte[] Unsigned(byte[] magnitude)
        {
            int i = 0;
            while (i < magnitude.Length - 1 && magnitude[i] == 0) i++;
            bool pad = magnitude.Length == 0 || (magnitude[i] & 0x80) != 0;
            var result = new byte[magnitude.Length - i + (pad ? 1 : 0)];
            Array.Copy(magnitude, i, result, pad ? 1 : 0, magnitude.Length - i);
            return result;
        }

        public static byte[] Oid(string dotted)
        {
            string[] arcs = dotted.Split('.');
            var content = new List<byte> { (byte)(int.Parse(arcs[0], CultureInfo.InvariantCulture) * 40 + int.Parse(arcs[1], CultureInfo.InvariantCulture)) };
            for (int i = 2; i < arcs.Length; i++)
            {
                ulong arc = ulong.Parse(arcs[i], CultureInfo.InvariantCulture);
                var groups = new List<byte> { (byte)(arc & 0x7F) };
                for (arc >>= 7; arc > 0; arc >>= 7) groups.Insert(0, (byte)(0x80 | (arc & 0x7F)));
                content.AddRange(groups);
            }
            return Element(0x06, content.ToArray());
        }

        /// <summary>UTCTime through 2049, GeneralizedTime after, as RFC 5280 requires.</summary>
        public static byte[] Time(DateTimeOffset time)
        {
            DateTime utc = time.UtcDateTime;
            return utc.Year < 2050
                ? Element(0x17, Encoding.ASCII.GetBytes(utc.ToString("yyMMddHHmmss", CultureInfo.InvariantCulture) + "Z"))
                : Element(0x18, Encoding.ASCII.GetBytes(utc.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "Z"));
        }

        /// <summary>The element at <paramref name="pos"/>: its tag and content; false when it does not fit in the bytes.</summary>
        public static bool Read(byte[] der, ref int pos, out byte tag, out byte[] content)
        {
            tag = 0;
            content = null;
            if (der == null || pos + 2 > der.Length) return false;
            tag = der[pos];
            int lengthByte = der[pos + 1];
            int p = pos + 2, length = 0;
            if (lengthByte < 0x80) length = lengthByte;
            else
            {
                int count = lengthByte & 0x7F;
                if (count == 0 || count > 3 || p + count > der.Length) return false;
                for (int i = 0; i < count; i++) length = (length << 8) | der[p++];
            }
            if (p + length > der.Length) return false;
            content = new byte[length];
            Array.Copy(der, p, content, 0, length);
            pos = p + length;
            return true;
        }

        /// <summary>The content of <paramref name="der"/> when it is exactly one element with <paramref name="tag"/>; else null.</summary>
        public static byte[] Unwrap(byte[] der, byte tag)
        {
            int pos = 0;
            return Read(der, ref pos, out byte found, out byte[] content) && found == tag && pos == der.Length ? content : null;
        }
    }
}
