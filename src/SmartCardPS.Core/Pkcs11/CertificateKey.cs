namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// The public key algorithm and size of an X.509 certificate, read straight from its DER SubjectPublicKeyInfo:
    /// building an X509Certificate2 and its key objects costs milliseconds a certificate, a walk over the bytes none.
    /// </summary>
    internal static class CertificateKey
    {
        private const string RsaEncryption = "1.2.840.113549.1.1.1";
        private const string EcPublicKey = "1.2.840.10045.2.1";

        /// <summary>Fills KeyType, KeySize and Curve of <paramref name="obj"/>; leaves them empty for anything it cannot read.</summary>
        public static void Describe(Pkcs11Object obj, byte[] der)
        {
            int pos = 0;
            if (!Enter(der, ref pos, 0x30, out _) || !Enter(der, ref pos, 0x30, out _)) return;
            if (pos < der.Length && der[pos] == 0xA0 && !Skip(der, ref pos)) return;
            for (int field = 0; field < 5; field++)
            {
                if (!Skip(der, ref pos)) return; // serial, signature, issuer, validity, subject
            }
            if (!Enter(der, ref pos, 0x30, out _) || !Enter(der, ref pos, 0x30, out int algEnd)) return;
            if (!Element(der, ref pos, 0x06, out int oidStart, out int oidLength)) return;
            string algorithm = EcCurves.Oid(der, oidStart, oidLength);
            if (algorithm == EcPublicKey)
            {
                if (!Element(der, ref pos, 0x06, out int curveStart, out int curveLength)) return;
                obj.KeyType = "EC";
                obj.Curve = EcCurves.Lookup(EcCurves.Oid(der, curveStart, curveLength), out int? bits);
                obj.KeySize = bits;
            }
            else if (algorithm == RsaEncryption)
            {
                pos = algEnd;
                if (!Element(der, ref pos, 0x03, out int bitsStart, out _)) return;
                pos = bitsStart + 1;
                if (!Enter(der, ref pos, 0x30, out _) || !Element(der, ref pos, 0x02, out int modStart, out int modLength)) return;
                while (modLength > 0 && der[modStart] == 0) { modStart++; modLength--; }
                if (modLength == 0) return;
                int size = (modLength - 1) * 8;
                for (int b = der[modStart]; b != 0; b >>= 1) size++;
                obj.KeyType = "RSA";
                obj.KeySize = size;
            }
            else
            {
                obj.Curve = EcCurves.Lookup(algorithm, out int? bits);
                if (bits.HasValue)
                {
                    obj.KeyType = obj.Curve.StartsWith("Ed", System.StringComparison.Ordinal) ? "EC_EDWARDS" : "EC_MONTGOMERY";
                    obj.KeySize = bits;
                }
                else obj.Curve = null;
            }
        }

        /// <summary>Steps into a constructed element of the given tag; <paramref name="end"/> is where it ends.</summary>
        private static bool Enter(byte[] der, ref int pos, byte tag, out int end)
        {
            end = 0;
            if (!Element(der, ref pos, tag, out int start, out int length)) return false;
            end = start + length;
            pos = start;
            return true;
        }

        private static bool Skip(byte[] der, ref int pos) => Element(der, ref pos, der.Length > pos ? der[pos] : (byte)0, out _, out _);

        /// <summary>Reads the element at <paramref name="pos"/> if it has <paramref name="tag"/>, and moves past it.</summary>
        private static bool Element(byte[] der, ref int pos, byte tag, out int start, out int length)
        {
            start = length = 0;
            if (pos + 2 > der.Length || der[pos] != tag) return false;
            int lengthByte = der[pos + 1];
            int p = pos + 2;
            if (lengthByte < 0x80) length = lengthByte;
            else
            {
                int count = lengthByte & 0x7F;
                if (count == 0 || count > 3 || p + count > der.Length) return false;
                for (int i = 0; i < count; i++) length = (length << 8) | der[p++];
            }
            if (p + length > der.Length) return false;
            start = p;
            pos = p + length;
            return true;
        }
    }
}
