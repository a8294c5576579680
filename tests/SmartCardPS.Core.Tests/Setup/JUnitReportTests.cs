using System;
using System.Linq;
using System.Xml.Linq;
using Xunit;
using SmartCardPS.Setup;

namespace SmartCardPS.Tests.Setup
{
    public sealed class JUnitReportTests
    {
        [Fact]
        public void CharactersXmlForbidsAreEscapedSoTheReportStaysReadable()
        {
            // A C0 control and a lone surrogate cannot be in XML 1.0 at all; a pair (an emoji) and markup can, escaped by the writer.
            var check = new SetupCheck("Odd\u0001", SetupStatus.Fail, "a\u0007b \uD800 <x>&\"\U0001F600", "fix \u001b[2J");
            string xml = JUnitReport.ToXml(new[] { check }, DateTime.UtcNow, TimeSpan.FromSeconds(1.5));
            XDocument doc = XDocument.Parse(xml);
            XElement failure = doc.Descendants("failure").Single();
            Assert.Equal("a\\x07b \\uD800 <x>&\"\U0001F600\nRemedy: fix \\x1B[2J", failure.Attribute("message").Value);
            Assert.Equal("Odd\\x01", doc.Descendants("testcase").Single().Attribute("name").Value);
            Assert.Equal("1.500", doc.Root.Attribute("time").Value);
        }

        [Fact]
        public void CountsFailuresAndSkipsAndKeepsWarningsPassing()
        {
            var results = new[]
            {
                new SetupCheck("a", SetupStatus.Pass, "fine"),
                new SetupCheck("b", SetupStatus.Warn, "meh", "do this"),
                new SetupCheck("c", SetupStatus.Skip, "not here"),
                new SetupCheck("d", SetupStatus.Fail, "bad", "do that"),
            };
            XDocument doc = XDocument.Parse(JUnitReport.ToXml(results, DateTime.UtcNow, TimeSpan.Zero));
            XElement suite = doc.Root.Element("testsuite");
            Assert.Equal(("4", "1", "1"), (suite.Attribute("tests").Value, suite.Attribute("failures").Value, suite.Attribute("skipped").Value));
            var cases = suite.Elements("testcase").ToList();
            Assert.Equal("Warn: meh\nRemedy: do this", cases[1].Element("system-out").Value);
            Assert.Null(cases[1].Element("failure"));
            Assert.Equal("not here", cases[2].Element("skipped").Attribute("message").Value);
        }
    }
}
