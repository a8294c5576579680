using Xunit;
using SmartCardPS.Atr;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Atr
{
    public class AtrTextTests
    {
        [Theory]
        [InlineData("3B 95 13 81")]
        [InlineData("3b:95:13:81")]
        [InlineData("3B951381")]
        [InlineData("  3b 95 13 81 \n")]
        [InlineData("3B\t95:13 81")]
        [InlineData("0x3B 0x95 0x13 0x81")]
        [InlineData("0X3B,0X95,0X13,0X81")]
        [InlineData("3B-95-13-81")]
        public void AcceptsTheSpellingsPeoplePaste(string text)
        {
            Assert.Equal(new byte[] { 0x3B, 0x95, 0x13, 0x81 }, AtrText.ParseHex(text));
        }

        [Theory]
        [InlineData("", AtrParseReason.Empty, -1)]
        [InlineData(" :\t", AtrParseReason.Empty, -1)]
        [InlineData(null, AtrParseReason.Empty, -1)]
        [InlineData("3B 9G", AtrParseReason.InvalidHex, 4)]
        [InlineData("3B0x95", AtrParseReason.InvalidHex, 3)]
        [InlineData("3B x95", AtrParseReason.InvalidHex, 3)]
        [InlineData("3B 0", AtrParseReason.OddDigitCount, -1)]
        public void RejectsTextThatIsNotHexBytes(string text, AtrParseReason reason, int offset)
        {
            var ex = Assert.Throws<AtrParseException>(() => AtrText.ParseHex(text));
            Assert.Equal(reason, ex.Reason);
            Assert.Equal(offset, ex.Offset);
        }

        [Fact]
        public void RejectsMoreThan33Bytes()
        {
            var ex = Assert.Throws<AtrParseException>(() => AtrText.ParseHex(new string('0', 68)));
            Assert.Equal(AtrParseReason.TooLong, ex.Reason);
            Assert.Equal(33, ex.Offset);
            Assert.Equal(33, AtrText.ParseHex(new string('0', 66)).Length);
        }

        [Fact]
        public void NamesTheOffendingCharacterInTheMessage()
        {
            var ex = Assert.Throws<AtrParseException>(() => AtrText.ParseHex("3B 0Z"));
            Assert.Contains("'Z' at position 5", ex.Message);
        }

        // A bidi override as the offending character would reorder the rest of the message.
        [Fact]
        public void NamesAnInvisibleOffendingCharacterByItsCodePoint()
        {
            var ex = Assert.Throws<AtrParseException>(() => AtrText.ParseHex("3B 0\u202E1"));
            Escaping.AssertEscaped(ex.Message, "'U+202E' at position 5");
        }
    }
}
