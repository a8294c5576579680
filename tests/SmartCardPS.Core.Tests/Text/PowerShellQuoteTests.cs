using SmartCardPS.Text;
using Xunit;

namespace SmartCardPS.Tests.Text
{
    /// <summary>Reading back what completions and remedies write (PowerShell's own parser checks the writing in Pester).</summary>
    public class PowerShellQuoteTests
    {
        [Theory]
        [InlineData("plain")]
        [InlineData("Bob's")]
        [InlineData("Bob\u2019s \u201Aquoted\u201B \u2018x")]
        [InlineData("''")]
        [InlineData("")]
        public void UnquoteReadsBackWhatSingleQuotedWrote(string text)
        {
            Assert.Equal(text, PowerShellQuote.Unquote(PowerShellQuote.SingleQuoted(text)));
        }

        [Theory]
        [InlineData("'Bob\u2019\u2019s", "Bob\u2019s")]
        [InlineData("\u2018Demo", "Demo")]
        [InlineData("\"Demo", "Demo")]
        [InlineData("Demo", "Demo")]
        [InlineData(null, "")]
        public void UnquoteTakesAWordStillBeingTyped(string word, string expected)
        {
            Assert.Equal(expected, PowerShellQuote.Unquote(word));
        }

        [Fact]
        public void EveryKindOfSingleQuoteIsDoubled()
        {
            Assert.Equal("'a''b\u2018\u2018c\u2019\u2019d\u201A\u201Ae\u201B\u201Bf'", PowerShellQuote.SingleQuoted("a'b\u2018c\u2019d\u201Ae\u201Bf"));
        }
    }
}
