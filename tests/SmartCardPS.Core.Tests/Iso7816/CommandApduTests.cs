using System.IO;
using System.Linq;
using SmartCardPS.Iso7816;
using SmartCardPS.Text;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Iso7816
{
    /// <summary>APDU cases (ISO/IEC 7816-3 12.1), the SW1-SW2 table and scriptor scripts, without a card.</summary>
    public class CommandApduTests
    {
        [Theory]
        [InlineData("00 A4 04 00", ApduCase.Case1, 0, 0)]
        [InlineData("00B00000", ApduCase.Case1, 0, 0)]
        [InlineData("00 B0 00 00 00", ApduCase.Case2Short, 0, 256)]
        [InlineData("00 B0 00 00 20", ApduCase.Case2Short, 0, 32)]
        [InlineData("00 A4 00 0C 02 3F 00", ApduCase.Case3Short, 2, 0)]
        [InlineData("00:a4:04:00:02:3f:00:00", ApduCase.Case4Short, 2, 256)]
        [InlineData("00 B0 00 00 00 02 58", ApduCase.Case2Extended, 0, 600)]
        [InlineData("00 B0 00 00 00 00 00", ApduCase.Case2Extended, 0, 65536)]
        [InlineData("00 D6 00 00 00 00 02 AA BB", ApduCase.Case3Extended, 2, 0)]
        [InlineData("00 2A 80 86 00 00 02 AA BB 00 00", ApduCase.Case4Extended, 2, 65536)]
        [InlineData("00 A4 04 00 05 01 02", ApduCase.Unknown, 0, 0)]
        public void ClassifiesTheCases(string text, ApduCase expected, int nc, int ne)
        {
            CommandApdu apdu = CommandApdu.Parse(text);
            Assert.Equal((expected, nc, ne), (apdu.Case, apdu.DataLength, apdu.ExpectedLength));
            Assert.Equal(expected >= ApduCase.Case2Extended, apdu.IsExtended);
        }

        [Theory]
        [InlineData("", ApduFormatReason.Empty)]
        [InlineData(" : ", ApduFormatReason.Empty)]
        [InlineData("00 A4 0", ApduFormatReason.OddDigitCount)]
        [InlineData("00 A4 XX 00", ApduFormatReason.InvalidHex)]
        [InlineData("00 A4 04", ApduFormatReason.TooShort)]
        public void RefusesWhatIsNoApdu(string text, ApduFormatReason reason)
        {
            Assert.Equal(reason, Assert.Throws<ApduFormatException>(() => CommandApdu.Parse(text)).Reason);
        }

        [Fact]
        public void SixCeeRuleSetsTheShortLe()
        {
            Assert.Equal("00 B0 00 00 20", Hex.Format(CommandApdu.Parse("00 B0 00 00 40").WithShortLe(0x20)));
            Assert.Equal("00 B0 00 00 20", Hex.Format(CommandApdu.Parse("00 B0 00 00").WithShortLe(0x20)));
            Assert.Equal("00 A4 04 00 01 AA 10", Hex.Format(CommandApdu.Parse("00 A4 04 00 01 AA").WithShortLe(0x10)));
            Assert.Null(CommandApdu.Parse("00 B0 00 00 00 02 58").WithShortLe(0x10));
        }

        [Theory]
        [InlineData(0x90, 0x00, "Normal processing: no further qualification", true)]
        [InlineData(0x61, 0x10, "Normal processing: 16 more bytes available (GET RESPONSE)", true)]
        [InlineData(0x61, 0x00, "Normal processing: 256 more bytes available (GET RESPONSE)", true)]
        [InlineData(0x63, 0xC2, "Warning, memory changed: counter 2 (often the tries left)", false)]
        [InlineData(0x6C, 0x20, "Wrong Le field: 32 data bytes available (resend with Le = 20)", false)]
        [InlineData(0x6A, 0x82, "Wrong parameters: file or application not found", false)]
        [InlineData(0x69, 0x82, "Command not allowed: security status not satisfied", false)]
        [InlineData(0x62, 0x10, "Warning, memory unchanged: triggering by the card (10)", false)]
        [InlineData(0x6A, 0x99, "Wrong parameters P1-P2", false)]
        [InlineData(0x91, 0x00, "Application-specific status (not defined by ISO/IEC 7816-4)", false)]
        [InlineData(0x12, 0x34, "Unknown status word (not defined by ISO/IEC 7816-4)", false)]
        public void StatusWordsHaveTheirIsoMeaning(byte sw1, byte sw2, string meaning, bool success)
        {
            Assert.Equal(meaning, StatusWords.Describe(sw1, sw2));
            Assert.Equal(success, StatusWords.IsSuccess(sw1, sw2));
        }

        [Fact]
        public void ReadsScriptorScripts()
        {
            const string script = "# comment mentioning reset and exit\n\n00 A4 04 00 \\\n  02 3F 00\nRESET\n00B0000010\n  exit\n00 FF 00 00\n";
            var steps = ApduScript.Parse(new StringReader(script), "t.script");
            Assert.Equal(new[] { 3, 5, 6 }, steps.Select(s => s.Line));
            Assert.Equal("00 A4 04 00 02 3F 00", steps[0].Apdu.ToString());
            Assert.True(steps[1].IsReset);
            Assert.Equal("00 B0 00 00 10", steps[2].Apdu.ToString());
        }

        [Fact]
        public void NamesTheScriptLineOfABadApdu()
        {
            var ex = Assert.Throws<ApduFormatException>(() => ApduScript.Parse(new StringReader("00 A4 04 00\n\n00 ZZ\n"), "bad.script"));
            Assert.StartsWith("bad.script, line 3: ", ex.Message);
            Assert.Equal(ApduFormatReason.InvalidHex, ex.Reason);
        }

        [Fact]
        public void NamesAnInvisibleBadCharacterByItsCodePointAndEscapesTheScriptPath()
        {
            var ex = Assert.Throws<ApduFormatException>(() => ApduScript.Parse(new StringReader("00 A4\u200B04 00\n"), "/tmp/b\u001b[2J\u202Ead.script"));
            Escaping.AssertEscaped(ex.Message, "/tmp/b\\x1B[2J\\u202Ead.script, line 1: ", "'U+200B' at position 6");
        }
    }
}
