using System.IO;
using SmartCardPS.Udev;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Udev
{
    /// <summary>Issue 19, finding 9: udev rule values are checked with anchors a trailing newline cannot fool, and the file read back before it is written.</summary>
    public class UdevRuleReadBackTests
    {
        private static UdevRule Smargo() => new UdevRule
        {
            Name = "smargo", Path = "/etc/udev/rules.d/98-smargo.rules", VendorId = "0403", ProductId = "6001",
            Serial = "A1B2C3", Group = "dialout", Mode = "0660", Symlink = "smargo",
        };

        [Theory]
        [InlineData("Name", "u4\n", "ControlCharacter", @"\x0A")]
        [InlineData("Group", "video\n", "ControlCharacter", @"\x0A")]
        [InlineData("Serial", "A1\u2028", "ControlCharacter", @"\u2028")]
        [InlineData("VendorId", "04\u001b03", "ControlCharacter", @"\x1B")]
        [InlineData("Symlink", "smargo\u0085", "ControlCharacter", @"\x85")]
        [InlineData("Group", "\u212Aa", "InvalidValue", "a'")]
        [InlineData("Mode", "06601", "InvalidValue", "'06601'")]
        [InlineData("Subsystem", "tty\n", "ControlCharacter", @"\x0A")]
        public void RefusesValuesThatDoNotMatchTheWholePattern(string parameter, string value, string expectedReason, string shown)
        {
            string problem = UdevFields.Problem(parameter, value, out string reason);
            Assert.Equal(expectedReason, reason);
            Assert.StartsWith("-" + parameter + " ", problem);
            Escaping.AssertEscaped(problem, shown);
        }

        [Theory]
        [InlineData("Name", "smargo")]
        [InlineData("VendorId", "0403")]
        [InlineData("ProductId", "0X6001")]
        [InlineData("Serial", "A1:B2-C3.d_e")]
        [InlineData("Group", "plugdev")]
        [InlineData("Mode", "660")]
        [InlineData("Symlink", "smartcard/smargo")]
        [InlineData("Subsystem", "usb")]
        public void TakesGoodValues(string parameter, string value)
        {
            Assert.Null(UdevFields.Problem(parameter, value, out string reason));
            Assert.Null(reason);
        }

        [Fact]
        public void ReadsBackTheRuleItWrites()
        {
            var rule = Smargo();
            string content = rule.VerifiedFileContent();
            Assert.Equal("# Written by SmartCardPS (New-SmartCardUdevRule) for smargo.\n" +
                "SUBSYSTEM==\"tty\", ATTRS{idVendor}==\"0403\", ATTRS{idProduct}==\"6001\", ATTRS{serial}==\"A1B2C3\", GROUP=\"dialout\", MODE=\"0660\", SYMLINK+=\"smargo\"\n", content);
            Assert.Equal(rule.Assignments(), UdevRuleLine.Parse(content.Split('\n')[1]));
        }

        // Values that got past the field checks (these bypass the cmdlet) must still never reach the file.
        [Theory]
        [InlineData("Group", "video\n")]
        [InlineData("Serial", "A1\", MODE=\"0666")]
        [InlineData("Serial", "A1\", RUN+=\"/bin/sh")]
        [InlineData("Name", "u4\nRUN+=\"/bin/sh\"")]
        [InlineData("Symlink", "a\\\"b")]
        public void RefusesARuleThatWouldNotReadBackAsItsValues(string field, string value)
        {
            var rule = Smargo();
            typeof(UdevRule).GetProperty(field).SetValue(rule, value);
            var ex = Assert.Throws<InvalidDataException>(() => rule.VerifiedFileContent());
            Escaping.AssertEscaped(ex.Message);
        }

        [Fact]
        public void RefusesAFileNameWithANewline()
        {
            var rule = Smargo();
            rule.Path = "/etc/udev/rules.d/98-u4\n.rules";
            Assert.Throws<InvalidDataException>(() => rule.VerifiedFileContent());
        }
    }
}
