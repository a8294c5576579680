using System;
using System.Linq;
using SmartCardPS.Interop;
using SmartCardPS.Pcsc;
using SmartCardPS.Setup.Checks;
using SmartCardPS.Setup;
using SmartCardPS.TestFixture;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Pcsc
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

        /// <summary>pcscd --version of a pcsc-lite 2.3.0 built with polkit, its features in the order pcsc-lite's meson.build lists them.</summary>
        private const string PolkitBuild = "pcsc-lite version 2.3.0.\nEnabled features: libudev polkit systemd Linux x86_64 ipcdir=/run/pcscd usbdropdir=/usr/lib64/pcsc/drivers serialconfdir=/etc/reader.conf.d\n";

        private static SetupCheck ServiceCheckRefused(PcscdBuild build) =>
            new PcscServiceCheck().Run(new SetupContext(new SetupOptions())
            {
                PcscApi = new PolkitRefusingApi(PcscPlatform.Api) { RefuseContext = true },
                Pcscd = build,
            }).Single();

        [Fact]
        public void TheServiceCheckFailsWithThePolkitRule()
        {
            SetupCheck check = ServiceCheckRefused(PcscdBuild.Parse(PolkitBuild));
            Assert.Equal(SetupStatus.Fail, check.Status);
            Assert.Contains("pcscd's polkit policy refused this user", check.Detail);
            Assert.Contains("org.debian.pcsc-lite.access_pcsc", check.Detail);
            Assert.Contains("pcscd 2.3.0, built with polkit", check.Detail);
            Assert.Contains("subject.user == \"" + Environment.UserName + "\"", check.Remedy);
            Assert.DoesNotContain("restart", check.Remedy, StringComparison.OrdinalIgnoreCase);
        }

        [SkippableFact]
        public void APcscdBuiltWithoutPolkitIsNotBlamedOnPolkit()
        {
            // This machine's pcscd (Debian's, built without polkit) read for real.
            PcscdBuild build = PcscdBuild.Read();
            Requires.Dependency(build != null, "pcscd (Debian's pcscd package)");
            Assert.False(build.Polkit);
            SetupCheck check = ServiceCheckRefused(build);
            Assert.Equal(SetupStatus.Fail, check.Status);
            Assert.DoesNotContain("polkit policy", check.Detail);
            Assert.Contains($"pcscd {build.Version}, built without polkit", check.Detail);
            Assert.Contains("restart", check.Remedy, StringComparison.OrdinalIgnoreCase);
        }

        [SkippableFact]
        public void ReadsTheInstalledPcscdsVersionAndFeatures()
        {
            PcscdBuild build = PcscdBuild.Read();
            Requires.Dependency(build != null, "pcscd (Debian's pcscd package)");
            var psi = new System.Diagnostics.ProcessStartInfo("/usr/sbin/pcscd", "--version") { RedirectStandardOutput = true };
            string text;
            using (var p = System.Diagnostics.Process.Start(psi)) { text = p.StandardOutput.ReadToEnd(); p.WaitForExit(); }
            Assert.Contains($"pcsc-lite version {build.Version}.", text);
            Assert.Contains("Enabled features: " + string.Join(" ", build.Features), text);
            Assert.Contains("usbdropdir=/usr/lib/pcsc/drivers", build.Features);
            Assert.True(PcscdBuild.Parse(PolkitBuild).Polkit);
        }
    }
}
