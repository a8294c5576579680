using SmartCardPS.Text;

namespace SmartCardPS.Atr
{
    /// <summary>Reads the ways people write an ATR (those <see cref="Hex.Read"/> takes), with the ATR's own
    /// errors.</summary>
    public static class AtrText
    {
        public const int MaxAtrLength = 33;

        public static byte[] ParseHex(string text) => BytesOf(Hex.Read(text, MaxAtrLength));

        /// <summary>
        /// The bytes <see cref="Hex.Read"/> found (read with at most <see cref="MaxAtrLength"/> bytes), or the ATR's
        /// error in the wording all hex errors share.
        /// </summary>
        public static byte[] BytesOf(HexReading read)
        {
            switch (read.Error)
            {
                case HexError.None:
                    return read.Bytes;
                case HexError.InvalidDigit:
                    return Throw(AtrParseReason.InvalidHex, read.Index, read);
                case HexError.OddDigitCount:
                    return Throw(AtrParseReason.OddDigitCount, -1, read);
                case HexError.TooLong:
                    throw TooLong(read.Digits / 2);
                default:
                    throw Empty();
            }
        }

        private static byte[] Throw(AtrParseReason reason, int offset, HexReading read) =>
            throw new AtrParseException(reason, offset, read.Message(UntrustedText.Quote(read.Text.Trim()),
                "'3B 95 13 81', '3b:95:13:81', '3B-95-13-81', '0x3B 0x95 0x13 0x81' or '3B951381'"));

        internal static AtrParseException Empty() =>
            new AtrParseException(AtrParseReason.Empty, -1, "The ATR is empty. Give at least TS and T0, for example '3B 00'.");

        internal static AtrParseException TooLong(int length) =>
            new AtrParseException(AtrParseReason.TooLong, MaxAtrLength,
                $"The ATR has {length} bytes; ISO/IEC 7816-3 allows at most {MaxAtrLength} (TS, T0, interface bytes, 15 historical bytes and TCK). Byte {MaxAtrLength + 1} onwards cannot belong to it.");
    }
}
