namespace SmartCardPS.Text
{
    /// <summary>
    /// The one hex codec of this module: bytes are printed as uppercase pairs separated by spaces, and read back in
    /// the spellings people paste (spaced, colon-, dash- or comma-separated, run together, 0x-prefixed, any case).
    /// </summary>
    public static class Hex
    {
        private const string Digits = "0123456789ABCDEF";
        private const string LowerDigits = "0123456789abcdef";

        // Every decoded ATR prints several single bytes: made once, never allocated again.
        private static readonly string[] Bytes = BuildBytes();

        public static string Format(byte[] bytes) => Format(bytes, 0, bytes?.Length ?? 0);

        public static string Format(byte[] bytes, int offset, int count) => Format(bytes, offset, count, spaced: true);

        /// <summary>Pairs separated by spaces, or run together (<paramref name="spaced"/> false) where a number is written in hex.</summary>
        public static string Format(byte[] bytes, int offset, int count, bool spaced)
        {
            if (bytes == null || count <= 0) return string.Empty;
            if (count == 1) return Bytes[bytes[offset]];
            return Format(bytes, offset, count, spaced, Digits);
        }

        /// <summary>Lowercase pairs run together, as pkcs11-tool and p11tool print object IDs.</summary>
        public static string FormatLower(byte[] bytes) =>
            bytes == null || bytes.Length == 0 ? string.Empty : Format(bytes, 0, bytes.Length, false, LowerDigits);

        private static string Format(byte[] bytes, int offset, int count, bool spaced, string digits)
        {
            int step = spaced ? 3 : 2;
            var chars = new char[count * step - (spaced ? 1 : 0)];
            for (int i = 0; i < count; i++)
            {
                byte b = bytes[offset + i];
                int at = i * step;
                chars[at] = digits[b >> 4];
                chars[at + 1] = digits[b & 0xF];
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
            int kind = KindOf(c);
            return kind == Separator ? NoDigit : kind;
        }

        private const int NoDigit = -1, Separator = 16;

        // ASCII by kind: a digit's value, Separator, or NoDigit. One lookup a character keeps the ATR path fast.
        private static readonly sbyte[] Kinds = BuildKinds();

        private static int KindOf(char c) => c < 128 ? Kinds[c] : NoDigit;

        /// <summary>What may stand between bytes: white space, colon, dash, comma.</summary>
        private static bool IsSeparator(char c) => KindOf(c) == Separator;

        /// <summary>
        /// Reads hex bytes: pairs spaced or separated by colon, dash or comma (<see cref="IsSeparator"/>), run together,
        /// any case, each byte optionally written 0x3B (a 0x at the start or after a separator, followed by a digit).
        /// Null reads as empty; more than <paramref name="maxBytes"/> bytes is <see cref="HexError.TooLong"/>, found
        /// before anything is allocated. The first character that is no digit wins over every other error.
        /// </summary>
        public static HexReading Read(string text, int maxBytes = int.MaxValue)
        {
            if (text == null) return new HexReading(text, null, HexError.Empty, -1, 0);
            // Most text has no 0x at all: then no 0 needs a second look.
            bool prefixes = text.IndexOf('x') >= 0 || text.IndexOf('X') >= 0;
            int digits = 0;
            for (int i = 0; i < text.Length; i++)
            {
                int kind = KindOf(text[i]);
                if (kind == Separator) continue;
                if (kind == NoDigit) return new HexReading(text, null, HexError.InvalidDigit, i, digits);
                if (kind == 0 && prefixes && IsPrefix(text, i)) i++;
                else digits++;
            }
            if (digits == 0) return new HexReading(text, null, HexError.Empty, -1, 0);
            if (digits % 2 != 0) return new HexReading(text, null, HexError.OddDigitCount, -1, digits);
            if (digits / 2 > maxBytes) return new HexReading(text, null, HexError.TooLong, -1, digits);
            var bytes = new byte[digits / 2];
            int n = 0, high = -1;
            for (int i = 0; i < text.Length; i++)
            {
                int kind = KindOf(text[i]);
                if (kind == Separator) continue;
                if (kind == 0 && prefixes && IsPrefix(text, i)) i++;
                else if (high < 0) high = kind;
                else
                {
                    bytes[n++] = (byte)(high << 4 | kind);
                    high = -1;
                }
            }
            return new HexReading(text, bytes, HexError.None, -1, digits);
        }

        /// <summary>Hex bytes as <see cref="Read"/> takes them; null for anything else, empty text included.</summary>
        public static byte[] TryParse(string text) => Read(text).Bytes;

        /// <summary>A hex number such as 1050 or 0x1050 (a USB vendor or product id); false for anything else.</summary>
        public static bool TryParseNumber(string text, out int value)
        {
            value = 0;
            if (text == null) return false;
            if (text.StartsWith("0x", System.StringComparison.OrdinalIgnoreCase)) text = text.Substring(2);
            return int.TryParse(text, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out value);
        }

        // text[i] is '0': a prefix when an x and a digit follow and nothing but a separator precedes it.
        private static bool IsPrefix(string text, int i) =>
            i + 2 < text.Length && (text[i + 1] == 'x' || text[i + 1] == 'X') && ValueOf(text[i + 2]) >= 0 && (i == 0 || IsSeparator(text[i - 1]));

        private static sbyte[] BuildKinds()
        {
            var kinds = new sbyte[128];
            for (int c = 0; c < 128; c++) kinds[c] = NoDigit;
            for (int v = 0; v < 16; v++)
            {
                kinds[Digits[v]] = (sbyte)v;
                kinds[LowerDigits[v]] = (sbyte)v;
            }
            foreach (char c in " :-,\t\r\n") kinds[c] = Separator;
            return kinds;
        }

        private static string[] BuildBytes()
        {
            var all = new string[256];
            for (int i = 0; i < 256; i++) all[i] = new string(new[] { Digits[i >> 4], Digits[i & 0xF] });
            return all;
        }
    }
}
