using System;
using System.Linq;
using SmartCardPS.Cards;
using SmartCardPS.Interop;
using SmartCardPS.Readers;
using SmartCardPS.Setup;
using SmartCardPS.Setup.Checks;
using SmartCardPS.TestFixture;
using Xunit;

namespace SmartCardPS.Tests
{
    /// <summary>pcscd's polkit refusal (produced by <see cref="PolkitRefusingApi"/>) explained with the action and the rule to add.</summary>
    [Collection(PcscCollection.Name)]
    public sealed class PolkitRefusalTests
    {
        private readonly PcscFixtureHost host;

        public PolkitRefusalTests(PcscFixtureHost host) => this.host = host;

        private static void AssertExplained(PcscException ex, ScardError code, string action)
        {
            Assert.Equal(code, ex.Error);
            Assert.Contains("pcscd's polkit policy refused this user ('" + Environment.UserName + "') the action " + action, ex.Message);
            Assert.Contains("active local session", ex.Message);
            Assert.Contains("polkit.addRule(", ex.Message);
            Assert.Contains("action.id == \"org.debian.pcsc-lite.access_pcsc\" || action.id == \"org.debian.pcsc-lite.access_card\"", ex.Message);
            Assert.Contains("subject.user == \"" + Environment.UserName + "\"", ex.Message);
            Assert.Contains("/etc/polkit-1/rules.d/", ex.Message);
        }

        [Theory]
        [InlineData(ScardError.SecurityViolation)]
        [InlineData(ScardError.NoAccess)]
        public void ARefusedContextNamesAccessPcscAndTheRule(ScardError code)
        {
            var api = new PolkitRefusingApi(PcscPlatform.Api, code) { RefuseContext = true };
            var ex = Assert.Throws<PcscException>(() => PcscContext.Establish(api));
            AssertExplained(ex, code, "org.debian.pcsc-lite.access_pcsc");
        }

        [SkippableFact]
        public void ARefusedConnectNamesAccessCard()
        {
            PcscFixture fixture = host.Fixture;
            var ex = Assert.Throws<PcscException>(() =>
                SmartCardConnection.Connect(new PolkitRefusingApi(PcscPlatform.Api), fixture.ReaderNames[0], SmartCardShareMode.Shared, SmartCardProtocol.Any));
            AssertExplained(ex, ScardError.SecurityViolation, "org.debian.pcsc-lite.access_card");
        }

        [Fact]
        public void OtherCodesKeepTheirSentence()
        {
            var ex = Assert.Throws<PcscException>(() => PcscContext.Establish(new PolkitRefusingApi(PcscPlatform.Api, ScardError.NoService) { RefuseContext = true }));
            Assert.DoesNotContain("polkit", ex.Message);
            Assert.Contains(ScardErrorInfo.DescriptionOf(ScardError.NoService), ex.Message);
        }

        [Fact]
        public void TheServiceCheckFailsWithThePolkitRule()
        {
            var context = new SetupContext(new SetupOptions()) { PcscApi = new PolkitRefusingApi(PcscPlatform.Api) { RefuseContext = true } };
            SetupCheck check = new PcscServiceCheck().Run(context).Single();
            Assert.Equal(SetupStatus.Fail, check.Status);
            Assert.Contains("pcscd's polkit policy refused this user", check.Detail);
            Assert.Contains("org.debian.pcsc-lite.access_pcsc", check.Detail);
            Assert.Contains("subject.user == \"" + Environment.UserName + "\"", check.Remedy);
            Assert.DoesNotContain("restart", check.Remedy, StringComparison.OrdinalIgnoreCase);
        }
    }
}
