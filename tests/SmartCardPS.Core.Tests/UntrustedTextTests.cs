using Xunit;

namespace SmartCardPS.Tests
{
    public class UntrustedTextTests
    {
        [Theory]
        [InlineData("plain", "'plain'")]
        [InlineData("\u001b[2J\u0007", @"'\x1B[2J\x07'")]
        [InlineData("a\r\nb\u009bc\u007f", @"'a\x0D\x0Ab\x9Bc\x7F'")]
        [InlineData("Tök/#;%", "'Tök/#;%'")]
        [InlineData(null, "(none)")]
        public void EscapesControlCharacters(string text, string expected) => Assert.Equal(expected, UntrustedText.Quote(text));

        [Fact]
        public void CutsLongText()
        {
            string quoted = UntrustedText.Quote(new string('x', 5000), 10);
            Assert.Equal("'xxxxxxxxxx…'", quoted);
        }
    }
}
