using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;
using SmartCardPS.Usb;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Usb
{
    public sealed class UsbDeviceScannerTests
    {
        // Debian's libccid package; the tests that read it are skipped where it is missing (a failure under CI).
        private const string DebianPlist = "/usr/lib/pcsc/drivers/ifd-ccid.bundle/Contents/Info.plist";

        [SkippableFact]
        public void ReadsLibccidsParallelArrays()
        {
            Requires.Dependency(File.Exists(DebianPlist), "libccid's Info.plist (apt-get install libccid)");
            var ccid = CcidSupportedReaders.LoadPlist(DebianPlist);
            Assert.Equal("ACS ACR 38U-CCID", ccid.FriendlyName(0x072F, 0x90CC));
            Assert.Null(ccid.FriendlyName(0x0403, 0x6001));
            Assert.True(ccid.Count > 500);
            Assert.Equal(DebianPlist, CcidSupportedReaders.Load().Path);
        }

        [SkippableFact]
        public void FindsCcidReadersAndSerialAdaptersAndMatchesThePcscName()
        {
            Requires.Dependency(File.Exists(DebianPlist), "libccid's Info.plist (apt-get install libccid)");
            using (var sysfs = new FakeSysfs())
            {
                sysfs.AddDevice("1-2", "072f", "90cc", "0b", new Dictionary<string, string> { ["manufacturer"] = "ACS", ["product"] = "ACR38U-CCID", ["serial"] = "123", ["busnum"] = "1", ["devnum"] = "5" },
                    new Dictionary<string, string> { ["interface"] = "CCID" }, driver: "usbfs");
                sysfs.AddDevice("1-3", "0403", "6001", "ff", new Dictionary<string, string> { ["product"] = "FT232R USB UART", ["serial"] = "A1B2" }, driver: "ftdi_sio", tty: "ttyUSB0");
                sysfs.AddDevice("1-4", "1234", "5678", "0b", new Dictionary<string, string> { ["product"] = "Unknown CCID" });
                sysfs.AddDevice("1-5", "046d", "c52b", "03"); // a keyboard receiver: not a reader

                var devices = UsbDeviceScanner.Scan(sysfs.Root, CcidSupportedReaders.LoadPlist(DebianPlist), new[] { "ACS ACR 38U-CCID [CCID] (123) 00 00" });

                Assert.Equal(new[] { "072f:90cc", "0403:6001", "1234:5678" }, devices.Select(d => d.VendorId + ":" + d.ProductId));
                var acs = devices[0];
                Assert.Equal(SmartCardUsbKind.Ccid, acs.Kind);
                Assert.True(acs.SupportedByCcid);
                Assert.True(acs.Listed);
                Assert.Equal("ACS ACR 38U-CCID [CCID] (123) 00 00", acs.ReaderName);
                Assert.Equal("/dev/bus/usb/001/005", acs.DevicePath);
                Assert.Equal("usbfs", acs.Driver);
                var ftdi = devices[1];
                Assert.Equal(SmartCardUsbKind.Serial, ftdi.Kind);
                Assert.Equal("/dev/ttyUSB0", ftdi.DevicePath);
                Assert.Equal("ftdi_sio", ftdi.Driver);
                Assert.False(ftdi.SupportedByCcid);
                Assert.Null(ftdi.ReaderName);
                var unknown = devices[2];
                Assert.False(unknown.SupportedByCcid);
                Assert.False(unknown.Listed);
                Assert.Null(unknown.ReaderName);
            }
        }

        [Theory]
        [InlineData("ACS ACR 38U-CCID", null, null, "ACS ACR 38U-CCID")]
        [InlineData("Yubico YubiKey OTP+FIDO+CCID", "", "", "Yubico YubiKey OTP+FIDO+CCID")]
        [InlineData("Gemalto PC Twin Reader", "Smart Card", "A1", "Gemalto PC Twin Reader [Smart Card] (A1)")]
        [InlineData("SCM SCR 3310", "CCID Interface 53311", "53311", "SCM SCR 3310 [CCID Interface 53311]")]
        public void NamesAReaderAsPcscdDoes(string friendly, string iface, string serial, string expected) =>
            Assert.Equal(expected, UsbDeviceScanner.PcscReaderBaseName(friendly, iface, serial));

        [Fact]
        public void NoUsbBusIsNoDevices() =>
            Assert.Empty(UsbDeviceScanner.Scan(Path.GetTempPath() + "/nonexistent-sysfs", CcidSupportedReaders.Load("/nonexistent"), new string[0]));
    }
}
