namespace SmartCardPS
{
    /// <summary>
    /// The one hex codec of this module: bytes are printed as uppercase pairs separated by spaces, and digits of
    /// either case are read back.
    /// </summary>
    public static class Hex
    {
        private const string Digits = "0123456789ABCDEF";

        // Every decoded ATR prints several single bytes: made once, never allocated again.
        private static readonly string[] Bytes = BuildBytes();

        public static string Format(byte[] bytes) => Format(bytes, 0, bytes?.Length ?? 0);

        public static string Format(byte[] bytes, int offset, int count) => Format(bytes, offset, count, spaced: true);

        /// <summary>Pairs separated by spaces, or run together (<paramref name="spaced"/> false) where a number is written in hex.</summary>
        public static string Format(byte[] bytes, int offset, int count, bool spaced)
        {
            if (bytes == null || count <= 0) return string.Empty;
            if (count == 1) return Bytes[bytes[offset]];
            int step = spaced ? 3 : 2;
            var chars = new char[count * step - (spaced ? 1 : 0)];
            for (int i = 0; i < count; i++)
            {
                byte b = bytes[offset + i];
                int at = i * step;
                chars[at] = Digits[b >> 4];
                chars[at + 1] = Digits[b & 0xF];
                if (spaced && i < count - 1) chars[at + 2] = ' ';
            }
            return new string(chars);
        }

        /// <summary>One byte as two uppercase digits.</summary>
        public static string Byte(byte b) => Bytes[b];

        /// <summary>One nibble (0 to 15) as an uppercase digit.</summary>
        public static char Digit(int nibble) => Digits[nibble];

        /// <summary>The value of one hex digit, either case; -1 for any other character.</summary>
        public static int ValueOf(char c)
        {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            return -1;
        }

        private static string[] BuildBytes()
        {
            var all = new string[256];
            for (int i = 0; i < 256; i++) all[i] = new string(new[] { Digits[i >> 4], Digits[i & 0xF] });
            return all;
        }
    }
}
