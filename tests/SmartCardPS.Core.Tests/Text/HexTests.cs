using SmartCardPS.Atr;
using SmartCardPS.Iso7816;
using SmartCardPS.Text;
using Xunit;

namespace SmartCardPS.Tests.Text
{
    /// <summary>The one hex reader every caller (ATRs, APDUs, PKCS#11 ids, USB ids) goes through, and its edge cases.</summary>
    public class HexTests
    {
        [Theory]
        [InlineData("3B 95 13 81")]
        [InlineData("3b:95:13:81")]
        [InlineData("3B-95-13-81")]
        [InlineData("3B,95,13,81")]
        [InlineData("3B, 95, 13, 81")]
        [InlineData("3B951381")]
        [InlineData("\t3B\r\n95 13\n81 ")]
        [InlineData("0x3B 0x95 0x13 0x81")]
        [InlineData("0X3b,0x95,0X13,0x81")]
        [InlineData("0x3B951381")]
        [InlineData("3B 0x9513 81")]
        public void ReadsEverySpellingToTheSameBytes(string text)
        {
            HexReading read = Hex.Read(text);
            Assert.Equal(HexError.None, read.Error);
            Assert.Equal(new byte[] { 0x3B, 0x95, 0x13, 0x81 }, read.Bytes);
            Assert.Equal(8, read.Digits);
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData(" :-,\t\r\n")]
        public void NothingButSeparatorsIsEmpty(string text)
        {
            HexReading read = Hex.Read(text);
            Assert.Equal(HexError.Empty, read.Error);
            Assert.Null(read.Bytes);
            Assert.Null(Hex.TryParse(text));
        }

        [Theory]
        [InlineData("3B 9G", 4)]
        [InlineData("3B0x95", 3)]      // an x after a digit is no prefix
        [InlineData("3B x95", 3)]      // nor an x without its 0
        [InlineData("0x", 1)]          // nor a 0x with no digit after it
        [InlineData("0x 3B", 1)]
        [InlineData("00x1", 2)]
        [InlineData("0x0x3B", 3)]      // one prefix a byte
        [InlineData("0x3B 0xZZ", 6)]   // the index is in the text as given, prefixes counted
        [InlineData("3B;95", 2)]
        [InlineData("3B 95 ０", 6)]     // a full-width digit is no hex digit
        [InlineData("3B\u00A095", 2)]  // nor is a no-break space a separator
        public void NamesTheFirstCharacterThatIsNoDigit(string text, int index)
        {
            HexReading read = Hex.Read(text);
            Assert.Equal(HexError.InvalidDigit, read.Error);
            Assert.Equal(index, read.Index);
            Assert.Null(read.Bytes);
        }

        [Fact]
        public void ABadCharacterWinsOverAnOddCountAndALength()
        {
            Assert.Equal(HexError.InvalidDigit, Hex.Read("000 Z").Error);
            Assert.Equal(HexError.InvalidDigit, Hex.Read("00 00 00 ZZ", maxBytes: 1).Error);
        }

        [Theory]
        [InlineData("3B 0", 3)]
        [InlineData("A", 1)]
        [InlineData("0x3B 0x9", 3)]
        public void CountsTheDigitsOfAnIncompleteByte(string text, int digits)
        {
            HexReading read = Hex.Read(text);
            Assert.Equal(HexError.OddDigitCount, read.Error);
            Assert.Equal(digits, read.Digits);
        }

        [Fact]
        public void RefusesMoreThanTheMostBytesBeforeAllocating()
        {
            Assert.Equal(3, Hex.Read("01 02 03", maxBytes: 3).Bytes.Length);
            HexReading read = Hex.Read("01 02 03 04", maxBytes: 3);
            Assert.Equal(HexError.TooLong, read.Error);
            Assert.Equal(8, read.Digits);
            Assert.Null(read.Bytes);
        }

        [Theory]
        [InlineData("1050", 0x1050)]
        [InlineData("0x1050", 0x1050)]
        [InlineData("0X08e6", 0x08E6)]
        [InlineData("ffff", 0xFFFF)]
        public void ReadsHexNumbers(string text, int expected)
        {
            Assert.True(Hex.TryParseNumber(text, out int value));
            Assert.Equal(expected, value);
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("0x")]
        [InlineData("10 50")]
        [InlineData("xyz")]
        [InlineData("-1")]
        public void RefusesWhatIsNoHexNumber(string text)
        {
            Assert.False(Hex.TryParseNumber(text, out _));
        }

        [Fact]
        public void FormatsUpperSpacedAndLowerRunTogether()
        {
            var bytes = new byte[] { 0x00, 0x0A, 0xAB, 0xFF };
            Assert.Equal("00 0A AB FF", Hex.Format(bytes));
            Assert.Equal("000AABFF", Hex.Format(bytes, 0, 4, spaced: false));
            Assert.Equal("000aabff", Hex.FormatLower(bytes));
            Assert.Equal(string.Empty, Hex.FormatLower(new byte[0]));
            Assert.Equal(string.Empty, Hex.FormatLower(null));
            Assert.Equal(bytes, Hex.TryParse(Hex.Format(bytes)));
            Assert.Equal(bytes, Hex.TryParse(Hex.FormatLower(bytes)));
        }

        [Theory]
        [InlineData('Z', "Z")]
        [InlineData('\u0000', "U+0000")]
        [InlineData('\u001B', "U+001B")]
        [InlineData('\uD800', "U+D800")]
        [InlineData('\u202E', "U+202E")]
        [InlineData('\u200B', "U+200B")]
        [InlineData('é', "é")]
        public void ShowsACharacterThatWouldNotPrintAsItsCodePoint(char c, string shown)
        {
            Assert.Equal(shown, UntrustedText.Character(c));
        }

        [Fact]
        public void AnAtrErrorPointsIntoTheTextAsWritten()
        {
            var ex = Assert.Throws<AtrParseException>(() => AtrText.ParseHex("0x3B 0xZZ"));
            Assert.Equal(AtrParseReason.InvalidHex, ex.Reason);
            Assert.Equal(6, ex.Offset);
            Assert.Contains("'x' at position 7 of '0x3B 0xZZ'", ex.Message);
        }

        [Theory]
        [InlineData("00-A4-04-00")]
        [InlineData("00,A4,04,00")]
        [InlineData("0x00 0xA4 0x04 0x00")]
        public void AnApduTakesTheSpellingsAnAtrTakes(string text)
        {
            Assert.Equal(new byte[] { 0x00, 0xA4, 0x04, 0x00 }, CommandApdu.Parse(text).Bytes);
        }

        [Fact]
        public void AnApduKeepsItsOwnErrors()
        {
            var ex = Assert.Throws<ApduFormatException>(() => CommandApdu.ParseHex("00 A4\u0007"));
            Assert.Equal(ApduFormatReason.InvalidHex, ex.Reason);
            Assert.Contains("'U+0007' at position 6 of the APDU", ex.Message);
            Assert.Equal(ApduFormatReason.Empty, Assert.Throws<ApduFormatException>(() => CommandApdu.ParseHex(null)).Reason);
        }
    }
}
