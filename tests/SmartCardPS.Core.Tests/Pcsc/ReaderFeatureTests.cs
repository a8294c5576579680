using System.Linq;
using SmartCardPS.Interop.Linux;
using SmartCardPS.Interop.MacOS;
using SmartCardPS.Interop.Windows;
using SmartCardPS.Interop;
using SmartCardPS.Iso7816;
using SmartCardPS.Pcsc;
using Xunit;

namespace SmartCardPS.Tests.Pcsc
{
    /// <summary>
    /// CM_IOCTL_GET_FEATURE_REQUEST answers, written from PC/SC v2 part 10 (2.2, 2.6): what a CCID PIN-pad reader
    /// gives under pcsc-lite (SCARD_CTL_CODE(0x330000 + tag)), a reader without one, and a Windows driver's answer.
    /// </summary>
    public class ReaderFeatureTests
    {
        private static byte[] Bytes(string hex) => CommandApdu.ParseHex(hex);

        [Fact]
        public void PinPadReaderUnderPcscLite()
        {
            var f = ReaderFeature.Decode(Bytes("06 04 42 33 00 06  07 04 42 33 00 07  0A 04 42 33 00 0A  12 04 42 33 00 12"));
            Assert.Equal(new[] { "VerifyPinDirect", "ModifyPinDirect", "IfdPinProperties", "GetTlvProperties" }, f.Select(x => x.Name));
            Assert.Equal(new uint[] { 0x42330006, 0x42330007, 0x4233000A, 0x42330012 }, f.Select(x => x.ControlCode));
            Assert.True(ReaderFeature.MeansPinPad(f));
        }

        [Fact]
        public void ReaderWithoutPinPad()
        {
            var f = ReaderFeature.Decode(Bytes("12 04 42 33 00 12  13 04 42 33 00 13"));
            Assert.Equal(new[] { "GetTlvProperties", "CcidEscCommand" }, f.Select(x => x.Name));
            Assert.False(ReaderFeature.MeansPinPad(f));
            Assert.False(ReaderFeature.MeansPinPad(ReaderFeature.Decode(new byte[0])));
        }

        [Fact]
        public void WindowsDriverWithStartAndFinish()
        {
            // CTL_CODE(FILE_DEVICE_SMARTCARD, 3500 + n, METHOD_BUFFERED, FILE_ANY_ACCESS) = 0x310000 | (3500 + n) << 2.
            var f = ReaderFeature.Decode(Bytes("01 04 00 31 36 B4  02 04 00 31 36 B8  05 04 00 31 36 C4  0B 04 00 31 36 D8"));
            Assert.Equal(new[] { "VerifyPinStart", "VerifyPinFinish", "GetKeyPressed", "Abort" }, f.Select(x => x.Name));
            Assert.Equal(0x003136B4u, f[0].ControlCode);
            Assert.True(ReaderFeature.MeansPinPad(f));
        }

        [Fact]
        public void OddTlvsAreSkippedAndACutOneEndsTheList()
        {
            var f = ReaderFeature.Decode(Bytes("7F 02 AA BB  20 04 42 33 00 20  3C 04 00 00 00 01  06 04 42 33"));
            Assert.Equal(new[] { "ExecutePace", "Unknown0x3C" }, f.Select(x => x.Name));
            Assert.False(ReaderFeature.MeansPinPad(f));
        }

        [Fact]
        public void ControlCodeMacroDiffersPerPlatform()
        {
            Assert.Equal(0x42000D48u, new PcscLiteApi().ControlCode(SmartCardReader.GetFeatureRequest));
            Assert.Equal(0x42000D48u, new MacPcscApi().ControlCode(SmartCardReader.GetFeatureRequest));
            Assert.Equal(0x00313520u, new WinSCardApi().ControlCode(SmartCardReader.GetFeatureRequest));
        }
    }
}
