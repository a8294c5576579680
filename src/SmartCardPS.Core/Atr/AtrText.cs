namespace SmartCardPS.Atr
{
    /// <summary>Reads the ways people write an ATR: spaced pairs, colon-separated, run together, any case.</summary>
    public static class AtrText
    {
        public const int MaxAtrLength = 33;

        public static byte[] ParseHex(string text)
        {
            if (text == null) throw Empty();
            text = WithoutHexPrefixes(text);
            int digits = 0;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (IsSeparator(c)) continue;
                if (Hex.ValueOf(c) < 0)
                {
                    throw new AtrParseException(AtrParseReason.InvalidHex, i,
                        $"Character '{UntrustedText.Character(c)}' at position {i + 1} of {UntrustedText.Quote(text.Trim())} is not a hexadecimal digit. Write the ATR as hex bytes such as '3B 95 13 81', '3b:95:13:81', '3B-95-13-81', '0x3B 0x95 0x13 0x81' or '3B951381'.");
                }
                digits++;
            }
            if (digits == 0) throw Empty();
            if (digits % 2 != 0)
            {
                throw new AtrParseException(AtrParseReason.OddDigitCount, -1,
                    $"{UntrustedText.Quote(text.Trim())} has {digits} hexadecimal digits, an odd count, so one byte is incomplete. Every byte needs two digits (write 03, not 3).");
            }
            if (digits / 2 > MaxAtrLength)
            {
                throw TooLong(digits / 2);
            }
            var bytes = new byte[digits / 2];
            int n = 0, high = -1;
            foreach (char c in text)
            {
                if (IsSeparator(c)) continue;
                if (high < 0) high = Hex.ValueOf(c);
                else
                {
                    bytes[n++] = (byte)(high << 4 | Hex.ValueOf(c));
                    high = -1;
                }
            }
            return bytes;
        }

        /// <summary>'0x3B 0x02' as '3B 02': a 0x at the start of a byte, not after a hex digit, is a prefix.</summary>
        private static string WithoutHexPrefixes(string text)
        {
            if (text.IndexOf('x') < 0 && text.IndexOf('X') < 0) return text;
            var sb = new System.Text.StringBuilder(text.Length);
            for (int i = 0; i < text.Length; i++)
            {
                bool prefix = text[i] == '0' && i + 2 < text.Length && (text[i + 1] == 'x' || text[i + 1] == 'X')
                    && Hex.ValueOf(text[i + 2]) >= 0 && (i == 0 || IsSeparator(text[i - 1]));
                if (prefix) i++;
                else sb.Append(text[i]);
            }
            return sb.ToString();
        }

        internal static AtrParseException Empty() =>
            new AtrParseException(AtrParseReason.Empty, -1, "The ATR is empty. Give at least TS and T0, for example '3B 00'.");

        internal static AtrParseException TooLong(int length) =>
            new AtrParseException(AtrParseReason.TooLong, MaxAtrLength,
                $"The ATR has {length} bytes; ISO/IEC 7816-3 allows at most {MaxAtrLength} (TS, T0, interface bytes, 15 historical bytes and TCK). Byte {MaxAtrLength + 1} onwards cannot belong to it.");

        private static bool IsSeparator(char c) => c == ' ' || c == ':' || c == '-' || c == ',' || c == '\t' || c == '\r' || c == '\n';
    }
}
