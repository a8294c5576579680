using SmartCardPS.Text;
using Xunit;

namespace SmartCardPS.Tests.Text
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
            string quoted = UntrustedText.QuoteAtMost(new string('x', 5000), 10);
            Assert.Equal("'xxxxxxxxxx…'", quoted);
        }

        // A reader named "Reader \u202Eexe.sgnittes" reads as "Reader settings.exe": bidi controls reorder what a person sees.
        [Theory]
        [InlineData("Reader \u202Eexe.sgnittes", @"'Reader \u202Eexe.sgnittes'")]
        [InlineData("a\u202Ab\u202Bc\u202Cd\u202De", @"'a\u202Ab\u202Bc\u202Cd\u202De'")]
        [InlineData("\u2066x\u2067y\u2068z\u2069", @"'\u2066x\u2067y\u2068z\u2069'")]
        [InlineData("\u200Eltr\u200Frtl\u061Calm", @"'\u200Eltr\u200Frtl\u061Calm'")]
        public void EscapesBidiControls(string text, string expected) => Assert.Equal(expected, UntrustedText.Quote(text));

        // "Token" and "To\u200Bken" look the same: invisible characters let one name pass for another.
        [Theory]
        [InlineData("To\u200Bken", @"'To\u200Bken'")]
        [InlineData("a\u200Cb\u200Dc", @"'a\u200Cb\u200Dc'")]
        [InlineData("\uFEFFlabel", @"'\uFEFFlabel'")]
        [InlineData("soft\u00ADhyphen\u2060joiner", @"'soft\u00ADhyphen\u2060joiner'")]
        public void EscapesInvisibleFormatCharacters(string text, string expected) => Assert.Equal(expected, UntrustedText.Quote(text));

        // U+2028 and U+2029 end a line in some terminals and editors as a newline does.
        [Fact]
        public void EscapesLineAndParagraphSeparators() => Assert.Equal(@"'a\u2028b\u2029c'", UntrustedText.Quote("a\u2028b\u2029c"));

        // Tag characters (U+E0000 block) are invisible.
        [Fact]
        public void EscapesInvisibleCharactersAboveTheBmp() => Assert.Equal(@"'flag\U000E0067\U000E0062'", UntrustedText.Quote("flag\U000E0067\U000E0062"));

        // A lone surrogate is not text at all (built at run time: attribute arguments cannot carry one).
        [Fact]
        public void EscapesLoneSurrogates()
        {
            Assert.Equal(@"'a\uD800b'", UntrustedText.Quote("a" + (char)0xD800 + "b"));
            Assert.Equal(@"'a\uDC00'", UntrustedText.Quote("a" + (char)0xDC00));
            Assert.Equal(@"'\uDC00\uD800'", UntrustedText.Quote(new string(new[] { (char)0xDC00, (char)0xD800 })));
        }

        [Theory]
        [InlineData("Café crème")]
        [InlineData("智能卡读卡器")]
        [InlineData("Смарт-карта")]
        [InlineData("بطاقة ذكية")]
        [InlineData("קורא כרטיסים")]
        [InlineData("e\u0301 (combining accent)")]
        public void KeepsReadableText(string text) => Assert.Equal("'" + text + "'", UntrustedText.Quote(text));

        // A Fact, not a row of KeepsReadableText: emoji in a test's display name do not survive the test list and .trx.
        [Fact]
        public void KeepsEmoji() => Assert.Equal("'Token 🔑 \U0001F600'", UntrustedText.Quote("Token 🔑 \U0001F600"));

        [Fact]
        public void CountsASurrogatePairAsOneCharacter() => Assert.Equal("'🔑🔑…'", UntrustedText.QuoteAtMost("🔑🔑🔑", 2));

        [Theory]
        [InlineData("/tmp/a\u001b[31m\nb\u202Ec", @"/tmp/a\x1B[31m\x0Ab\u202Ec")]
        [InlineData("/etc/pkcs11/modules/opensc.module", "/etc/pkcs11/modules/opensc.module")]
        [InlineData(null, "(none)")]
        public void EscapesWithoutQuotes(string text, string expected) => Assert.Equal(expected, UntrustedText.Escape(text));

        [Fact]
        public void EscapeKeepsLongText() => Assert.Equal(new string('x', 5000), UntrustedText.Escape(new string('x', 5000)));
    }
}
