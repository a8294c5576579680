using SmartCardPS.Text;

namespace SmartCardPS.Atr
{
    /// <summary>Reads the ways people write an ATR (those <see cref="Hex.Read"/> takes), with the ATR's own errors.</summary>
    public static class AtrText
    {
        public const int MaxAtrLength = 33;

        public static byte[] ParseHex(string text)
        {
            HexReading read = Hex.Read(text, MaxAtrLength);
            switch (read.Error)
            {
                case HexError.None:
                    return read.Bytes;
                case HexError.InvalidDigit:
                    throw new AtrParseException(AtrParseReason.InvalidHex, read.Index,
                        $"Character '{UntrustedText.Character(text[read.Index])}' at position {read.Index + 1} of {UntrustedText.Quote(text.Trim())} is not a hexadecimal digit. Write the ATR as hex bytes such as '3B 95 13 81', '3b:95:13:81', '3B-95-13-81', '0x3B 0x95 0x13 0x81' or '3B951381'.");
                case HexError.OddDigitCount:
                    throw new AtrParseException(AtrParseReason.OddDigitCount, -1,
                        $"{UntrustedText.Quote(text.Trim())} has {read.Digits} hexadecimal digits, an odd count, so one byte is incomplete. Every byte needs two digits (write 03, not 3).");
                case HexError.TooLong:
                    throw TooLong(read.Digits / 2);
                default:
                    throw Empty();
            }
        }

        internal static AtrParseException Empty() =>
            new AtrParseException(AtrParseReason.Empty, -1, "The ATR is empty. Give at least TS and T0, for example '3B 00'.");

        internal static AtrParseException TooLong(int length) =>
            new AtrParseException(AtrParseReason.TooLong, MaxAtrLength,
                $"The ATR has {length} bytes; ISO/IEC 7816-3 allows at most {MaxAtrLength} (TS, T0, interface bytes, 15 historical bytes and TCK). Byte {MaxAtrLength + 1} onwards cannot belong to it.");
    }
}
