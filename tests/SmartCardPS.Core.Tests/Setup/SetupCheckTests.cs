using System.Collections.Generic;
using System.Linq;
using Xunit;
using SmartCardPS.OpenSc;
using SmartCardPS.Setup;
using SmartCardPS.Setup.Checks;
using SmartCardPS.Usb;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Setup
{
    public sealed class SetupCheckTests
    {
        private static readonly SetupPlatform DebianSystemd = new SetupPlatform(PlatformFamily.Debian, systemd: true);

        [Fact]
        public void FindsEveryCheckClassInOrder()
        {
            var names = SetupRunner.Checks.Select(c => c.GetType().Name).ToList();
            var expected = new[] { "PcscLibraryCheck", "PcscServiceCheck", "SystemdUnitsCheck", "ReaderDriverCheck", "UsbReadersCheck", "ReadersPresentCheck",
                "CardPresentCheck", "OpenScLibraryCheck", "OpenScRegisteredCheck", "TokensVisibleCheck", "ModuleLoadCheck", "PinPadCheck" };
            // Other issues add checks as classes of their own; these must all be found, in this order.
            Assert.Equal(expected, names.Where(expected.Contains));
            Assert.Equal(SetupRunner.Checks.Select(c => c.Order).OrderBy(o => o), SetupRunner.Checks.Select(c => c.Order));
        }

        [Theory]
        [InlineData("ubuntu", "debian", PlatformFamily.Debian, "sudo apt-get install libccid")]
        [InlineData("rocky", "rhel centos fedora", PlatformFamily.Fedora, "sudo dnf install pcsc-lite-ccid")]
        [InlineData("manjaro", "arch", PlatformFamily.Arch, "sudo pacman -S ccid")]
        [InlineData("opensuse-tumbleweed", "opensuse suse", PlatformFamily.Suse, "sudo zypper install pcsc-ccid")]
        [InlineData("alpine", null, PlatformFamily.Unknown, "install ccid with your package manager")]
        public void RemediesUseTheFamilysPackageManager(string id, string idLike, PlatformFamily family, string installCcid)
        {
            var osRelease = new Dictionary<string, string> { ["ID"] = id };
            if (idLike != null) osRelease["ID_LIKE"] = idLike;
            Assert.Equal(family, SetupPlatform.FamilyFromOsRelease(osRelease));
            Assert.Equal(installCcid, new SetupPlatform(family, true).Install("ccid"));
        }

        [Fact]
        public void ServiceRemediesFollowTheInitSystemAndPlatform()
        {
            Assert.Equal("sudo systemctl enable --now pcscd.socket", DebianSystemd.StartService());
            Assert.StartsWith("sudo service pcscd start", new SetupPlatform(PlatformFamily.Debian, false).StartService());
            Assert.Contains("Start-Service SCardSvr", new SetupPlatform(PlatformFamily.Windows, false).StartService());
            Assert.Equal("brew install --cask opensc", new SetupPlatform(PlatformFamily.MacOS, false).Install("opensc"));
        }

        private const string Show = "Id=pcscd.socket\nLoadState=loaded\nActiveState=SOCKET_ACTIVE\nUnitFileState=ENABLED\n\nId=pcscd.service\nLoadState=loaded\nActiveState=SERVICE_ACTIVE\nUnitFileState=indirect\n";

        [Theory]
        [InlineData("enabled", "active", "inactive", "Pass", null)]
        [InlineData("disabled", "inactive", "active", "Warn", "sudo systemctl enable --now pcscd.socket")]
        [InlineData("disabled", "inactive", "inactive", "Fail", "sudo systemctl enable --now pcscd.socket")]
        public void JudgesTheSocketAndService(string socketFile, string socketActive, string serviceActive, string status, string remedy)
        {
            var units = SystemdUnitsCheck.ParseShow(Show.Replace("ENABLED", socketFile).Replace("SOCKET_ACTIVE", socketActive).Replace("SERVICE_ACTIVE", serviceActive));
            var check = SystemdUnitsCheck.Judge(units, true, DebianSystemd);
            Assert.Equal(status, check.Status);
            Assert.Equal(remedy, check.Remedy);
        }

        [Fact]
        public void AMissingSocketUnitGivesTheDaemonReloadTipWhenTheFileIsThere()
        {
            var units = SystemdUnitsCheck.ParseShow("Id=pcscd.socket\nLoadState=not-found\nActiveState=inactive\n\nId=pcscd.service\nLoadState=not-found\n");
            var reload = SystemdUnitsCheck.Judge(units, unitFilePresent: true, DebianSystemd);
            Assert.Equal("Fail", reload.Status);
            Assert.StartsWith("sudo systemctl daemon-reload", reload.Remedy);
            var install = SystemdUnitsCheck.Judge(units, unitFilePresent: false, DebianSystemd);
            Assert.StartsWith("sudo apt-get install pcscd", install.Remedy);
        }

        [SkippableFact]
        public void ASystemctlThatCannotAnswerIsAWarningNotAMissingUnit()
        {
            Skip.If(System.IO.Directory.Exists("/run/systemd/system"), "systemd runs here, so systemctl answers");
            var context = new SetupContext(new SetupOptions(), DebianSystemd);
            var check = new SystemdUnitsCheck().Run(context).Single();
            Assert.Equal("Warn", check.Status);
            Assert.StartsWith("systemctl did not answer", check.Detail);
        }

        [Fact]
        public void UsbReadersNotListedAreRestartsOrVendorDrivers()
        {
            var listed = new SmartCardUsbDevice { Kind = SmartCardUsbKind.Ccid, VendorId = "1050", ProductId = "0407", SupportedByCcid = true, Listed = true, ReaderName = "Yubico YubiKey 00 00" };
            var waiting = new SmartCardUsbDevice { Kind = SmartCardUsbKind.Ccid, VendorId = "072f", ProductId = "90cc", SupportedByCcid = true };
            var unknown = new SmartCardUsbDevice { Kind = SmartCardUsbKind.Ccid, VendorId = "1234", ProductId = "5678" };
            Assert.Equal("Pass", UsbReadersCheck.Judge(new[] { listed }, true, DebianSystemd).Status);
            var restart = UsbReadersCheck.Judge(new[] { listed, waiting }, true, DebianSystemd);
            Assert.Equal("Fail", restart.Status);
            Assert.Equal("sudo systemctl restart pcscd.service", restart.Remedy);
            var vendor = UsbReadersCheck.Judge(new[] { unknown }, true, DebianSystemd);
            Assert.Equal("Warn", vendor.Status);
            Assert.Contains("vendor", vendor.Remedy);
            Assert.Equal("Pass", UsbReadersCheck.Judge(new[] { unknown }, false, DebianSystemd).Status);
        }

        [Fact]
        public void ReaderNamesAndPathsAreEscapedInTheVerdicts()
        {
            var listed = new SmartCardUsbDevice { Kind = SmartCardUsbKind.Ccid, VendorId = "1050", ProductId = "0407", SupportedByCcid = true, Listed = true, ReaderName = "Yubi\u202Eyek\u001b[2J 00 00" };
            var waiting = new SmartCardUsbDevice { Kind = SmartCardUsbKind.Ccid, VendorId = "072f", ProductId = "90cc", SupportedByCcid = true };
            Escaping.AssertEscaped(UsbReadersCheck.Judge(new[] { listed, waiting }, true, DebianSystemd).Detail, "Yubi\\u202Eyek\\x1B[2J 00 00");
            var config = new OpenScConfiguration { Path = "/tmp/conf\u202E\n/opensc.conf", EnablePinPad = false, EnablePinPadSet = true };
            var readers = new[] { new KeyValuePair<string, bool>("Pad\u2066reader\u001b 00 00", true) };
            SetupCheck check = PinPadCheck.Judge(config, readers);
            Escaping.AssertEscaped(check.Detail, "conf\\u202E\\x0A/opensc.conf", "Pad\\u2066reader\\x1B 00 00");
            Assert.Equal("Warn", check.Status);
        }

        [Theory]
        [InlineData(true, false, false, "Warn", "Set-OpenScConfiguration -EnablePinPad $false")]
        [InlineData(false, true, true, "Warn", "Set-OpenScConfiguration -EnablePinPad $true")]
        [InlineData(false, false, false, "Pass", null)]
        [InlineData(true, true, false, "Pass", null)]
        public void EnablePinPadMustAgreeWithTheReaders(bool enablePinPad, bool firstHasPad, bool secondHasPad, string status, string remedy)
        {
            var config = new OpenScConfiguration { Path = "/etc/opensc/opensc.conf", EnablePinPad = enablePinPad, EnablePinPadSet = true };
            var readers = new[] { new KeyValuePair<string, bool>("A 00 00", firstHasPad), new KeyValuePair<string, bool>("B 00 00", secondHasPad) };
            var check = PinPadCheck.Judge(config, readers);
            Assert.Equal(status, check.Status);
            Assert.Equal(remedy, check.Remedy);
        }
    }
}
