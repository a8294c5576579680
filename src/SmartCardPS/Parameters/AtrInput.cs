using System.Collections.Generic;
using System.Linq;
using SmartCardPS.Atr;
using SmartCardPS.Text;

namespace SmartCardPS.Parameters
{
    /// <summary>
    /// One ATR as ConvertFrom-Atr receives it: the bytes, or why the input is not an ATR, and the input as the user
    /// wrote it (the target of the error). Made by <see cref="AtrInputTransformationAttribute"/>, so the cmdlet
    /// never turns bytes back into text.
    /// </summary>
    public sealed class AtrInput
    {
        private AtrInput(byte[] bytes, string text, AtrParseException error)
        {
            Bytes = bytes;
            this.text = text;
            Error = error;
        }

        private readonly string text;

        /// <summary>The ATR's bytes; null when <see cref="Error"/> says why there are none.</summary>
        public byte[] Bytes { get; }

        public AtrParseException Error { get; }

        /// <summary>The input as written: the text, or the bytes as hex.</summary>
        public string Text => text ?? Hex.Format(Bytes);

        internal static AtrInput FromBytes(byte[] bytes) => new AtrInput(bytes, null, null);

        internal static AtrInput FromText(string text)
        {
            try
            {
                return new AtrInput(AtrText.ParseHex(text), text, null);
            }
            catch (AtrParseException ex)
            {
                return new AtrInput(null, text, ex);
            }
        }

        /// <summary>
        /// A number where an ATR was expected: PowerShell unrolls a byte array piped as it is, so each byte arrives
        /// alone; reading it as text would turn byte 0x3B into the ATR "59".
        /// </summary>
        internal static AtrInput FromNumber(string digits) => new AtrInput(null, digits, new AtrParseException(AtrParseReason.LoneByte, -1,
            $"{digits} is one number, not an ATR: a byte array piped as it is arrives one byte at a time. Wrap it, as in ', $bytes | ConvertFrom-Atr', or pass it with -Atr $bytes; give text as hex, such as '3B 02 14 50'."));

        /// <summary>
        /// One ATR pasted without quotes, as pcsc_scan prints it (ConvertFrom-Atr 3B 95 13 81 …): what -Atr took, then
        /// the other bytes as typed. They arrive as strings holding the text typed, so 01 and 7D (a decimal literal
        /// to PowerShell) stay the hex they were.
        /// </summary>
        internal static AtrInput FromSeparateBytes(IEnumerable<AtrInput> first, IEnumerable<string> rest) =>
            FromText(string.Join(" ", first.Where(i => i != null).Select(i => i.Text).Concat(rest)));

        /// <summary>A number given as an argument rather than piped: nothing was unrolled, so say how to write an
        /// ATR.</summary>
        internal AtrInput AsArgument() => Error?.Reason != AtrParseReason.LoneByte ? this : new AtrInput(null, text, new AtrParseException(AtrParseReason.LoneByte, -1,
            $"{text} is a number, not an ATR. Give the ATR as hex: quoted, such as '3B 02 14 50', or unquoted as pcsc_scan prints it (ConvertFrom-Atr 3B 02 14 50), or as a byte array."));

        public override string ToString() => Text;
    }
}
