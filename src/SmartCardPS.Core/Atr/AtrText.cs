namespace SmartCardPS.Atr
{
    /// <summary>Reads the ways people write an ATR: spaced pairs, colon-separated, run together, any case.</summary>
    public static class AtrText
    {
        public const int MaxAtrLength = 33;

        public static byte[] ParseHex(string text)
        {
            if (text == null) throw Empty();
            int digits = 0;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (IsSeparator(c)) continue;
                if (Hex.ValueOf(c) < 0)
                {
                    throw new AtrParseException(AtrParseReason.InvalidHex, i,
                        $"Character '{Printable(c)}' at position {i + 1} of {UntrustedText.Quote(text.Trim())} is not a hexadecimal digit. Write the ATR as hex bytes such as '3B 95 13 81', '3b:95:13:81' or '3B951381'.");
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

        internal static AtrParseException Empty() =>
            new AtrParseException(AtrParseReason.Empty, -1, "The ATR is empty. Give at least TS and T0, for example '3B 00'.");

        internal static AtrParseException TooLong(int length) =>
            new AtrParseException(AtrParseReason.TooLong, MaxAtrLength,
                $"The ATR has {length} bytes; ISO/IEC 7816-3 allows at most {MaxAtrLength} (TS, T0, interface bytes, 15 historical bytes and TCK). Byte {MaxAtrLength + 1} onwards cannot belong to it.");

        private static bool IsSeparator(char c) => c == ' ' || c == ':' || c == '\t' || c == '\r' || c == '\n';

        private static string Printable(char c) => char.IsControl(c) || char.IsSurrogate(c) ? $"U+{(int)c:X4}" : c.ToString();
    }
}
