using System;
using SmartCardPS.Text;

namespace SmartCardPS.Iso7816
{
    /// <summary>A command APDU's bytes and the case they encode (Nc, Ne).</summary>
    public sealed class CommandApdu
    {
        /// <summary>CLA INS P1 P2, extended Lc (3) and data (65535), extended Le (2).</summary>
        public const int MaxLength = 4 + 3 + 65535 + 2;

        private CommandApdu(byte[] bytes)
        {
            Bytes = bytes;
            Classify();
        }

        public byte[] Bytes { get; }
        public ApduCase Case { get; private set; }

        /// <summary>Nc: the number of data bytes.</summary>
        public int DataLength { get; private set; }

        /// <summary>Ne: the most response data bytes expected (256 or 65536 for an Le of zero); 0 without Le.</summary>
        public int ExpectedLength { get; private set; }

        public bool IsExtended => Case >= ApduCase.Case2Extended;

        public static CommandApdu FromBytes(byte[] bytes) => Validated(bytes == null ? null : (byte[])bytes.Clone());

        /// <summary>Hex bytes as scriptor and opensc-tool take them (spaced, colon-separated or run together, any case)
        /// and in the other spellings <see cref="Hex.Read"/> takes.</summary>
        public static CommandApdu Parse(string text) => Validated(ParseHex(text));

        private const string EmptyMessage = "The APDU is empty. Give at least CLA INS P1 P2, for example '00 A4 04 00'.";

        private static CommandApdu Validated(byte[] bytes)
        {
            if (bytes == null || bytes.Length == 0) throw new ApduFormatException(ApduFormatReason.Empty, EmptyMessage);
            if (bytes.Length < 4) throw new ApduFormatException(ApduFormatReason.TooShort, $"The APDU '{Hex.Format(bytes)}' has {bytes.Length} bytes; a command needs at least CLA INS P1 P2 (4 bytes).");
            if (bytes.Length > MaxLength) throw new ApduFormatException(ApduFormatReason.TooLong, $"The APDU has {bytes.Length} bytes; an extended-length command has at most {MaxLength}.");
            return new CommandApdu(bytes);
        }

        /// <summary>Hex bytes as <see cref="Hex.Read"/> takes them, with the APDU's errors.</summary>
        public static byte[] ParseHex(string text) => BytesOf(Hex.Read(text ?? string.Empty));

        /// <summary>The bytes <see cref="Hex.Read"/> found, or the APDU's error in the wording all hex errors
        /// share.</summary>
        public static byte[] BytesOf(HexReading read)
        {
            switch (read.Error)
            {
                case HexError.None:
                    return read.Bytes;
                case HexError.InvalidDigit:
                    throw new ApduFormatException(ApduFormatReason.InvalidHex, read.Message("the APDU", Examples));
                case HexError.OddDigitCount:
                    throw new ApduFormatException(ApduFormatReason.OddDigitCount, read.Message("the APDU", Examples));
                default:
                    throw new ApduFormatException(ApduFormatReason.Empty, EmptyMessage);
            }
        }

        private const string Examples = "'00 A4 04 00 07 A0 00 00 00 03 10 10' or '00A40400'";

        internal static byte[] ParseHexOrEmpty(string text) => string.IsNullOrWhiteSpace(text) ? Array.Empty<byte>() : ParseHex(text);

        private void Classify()
        {
            byte[] b = Bytes;
            int n = b.Length;
            if (n == 4) { Case = ApduCase.Case1; return; }
            int b5 = b[4];
            if (n == 5) { Case = ApduCase.Case2Short; ExpectedLength = b5 == 0 ? 256 : b5; return; }
            if (b5 != 0)
            {
                DataLength = b5;
                if (n == 5 + b5) Case = ApduCase.Case3Short;
                else if (n == 6 + b5) { Case = ApduCase.Case4Short; ExpectedLength = b[n - 1] == 0 ? 256 : b[n - 1]; }
                else DataLength = 0;
                return;
            }
            if (n == 7) { Case = ApduCase.Case2Extended; ExpectedLength = Extended(b[5], b[6]); return; }
            if (n < 8) return;
            int lc = (b[5] << 8) | b[6];
            if (lc == 0) return;
            DataLength = lc;
            if (n == 7 + lc) Case = ApduCase.Case3Extended;
            else if (n == 9 + lc) { Case = ApduCase.Case4Extended; ExpectedLength = Extended(b[n - 2], b[n - 1]); }
            else DataLength = 0;
        }

        private static int Extended(byte high, byte low) => ((high << 8) | low) == 0 ? 65536 : (high << 8) | low;

        /// <summary>The same short command with Le set to <paramref name="le"/> (the 6C XX rule); null where that is
        /// not possible.</summary>
        internal byte[] WithShortLe(byte le)
        {
            switch (Case)
            {
                case ApduCase.Case1:
                case ApduCase.Case3Short:
                    var longer = new byte[Bytes.Length + 1];
                    Buffer.BlockCopy(Bytes, 0, longer, 0, Bytes.Length);
                    longer[Bytes.Length] = le;
                    return longer;
                case ApduCase.Case2Short:
                case ApduCase.Case4Short:
                    var same = (byte[])Bytes.Clone();
                    same[same.Length - 1] = le;
                    return same;
                default:
                    return null;
            }
        }

        public override string ToString() => Hex.Format(Bytes);
    }
}
