using System;
using System.Linq;
using SmartCardPS.Interop;
using SmartCardPS.Pcsc;
using Xunit;

namespace SmartCardPS.Tests.Pcsc
{
    public class PcscErrorTests
    {
        [Fact]
        public void EveryCodeHasItsScardNameAndAnActionableSentence()
        {
            foreach (ScardError code in Enum.GetValues(typeof(ScardError)))
            {
                string name = ScardErrorInfo.NameOf(code);
                // winscard.dll's Win32 codes keep their winerror.h names.
                Assert.Matches(code != ScardError.Success && (uint)code < 0x10000 ? "^ERROR_[A-Z_]+$" : "^SCARD_[SEFWP]_[A-Z_]+$", name);
                Assert.NotEqual("The PC/SC service returned an undocumented error code.", ScardErrorInfo.DescriptionOf(code));
            }
            Assert.Equal(Enum.GetValues(typeof(ScardError)).Length,
                Enum.GetValues(typeof(ScardError)).Cast<ScardError>().Select(ScardErrorInfo.NameOf).Distinct().Count());
        }

        [Theory]
        [InlineData(0x8010001Du, "SCARD_E_NO_SERVICE")]
        [InlineData(0x8010002Eu, "SCARD_E_NO_READERS_AVAILABLE")]
        [InlineData(0x8010000Bu, "SCARD_E_SHARING_VIOLATION")]
        [InlineData(0x80100069u, "SCARD_W_REMOVED_CARD")]
        [InlineData(6u, "ERROR_INVALID_HANDLE")]
        [InlineData(109u, "ERROR_BROKEN_PIPE")]
        public void NamesMatchTheHeaders(uint code, string name) => Assert.Equal(name, ScardErrorInfo.NameOf((ScardError)code));

        [Fact]
        public void UnknownCodesAreShownInHex()
        {
            var ex = new PcscException((ScardError)0x80100099u, "SCardTransmit");
            Assert.Equal("0x80100099", ex.ErrorName);
            Assert.StartsWith("SCardTransmit failed with 0x80100099 (0x80100099)", ex.Message);
        }

        [Fact]
        public void WinscardsWin32CodesForALostServiceMeanTheServiceIsGone()
        {
            // Windows answers ERROR_INVALID_HANDLE for the contexts of a Smart Card service that restarted, and
            // ERROR_BROKEN_PIPE when it goes away: Watch-SmartCard waits for the service on these as on SCARD_E_NO_SERVICE.
            Assert.True(new PcscException(ScardError.ErrorInvalidHandle, "SCardGetStatusChange").IsServiceUnavailable);
            Assert.True(new PcscException(ScardError.ErrorBrokenPipe, "SCardGetStatusChange").IsServiceUnavailable);
            Assert.False(new PcscException(ScardError.ErrorNotSupported, "SCardControl").IsServiceUnavailable);
            Assert.DoesNotContain("undocumented", new PcscException(ScardError.ErrorInvalidHandle, "SCardIsValidContext").Message);
        }

        [Fact]
        public void TheExceptionCarriesTheNativeCode()
        {
            var ex = new PcscException(ScardError.SharingViolation, "SCardConnect");
            Assert.Equal(ScardError.SharingViolation, ex.Error);
            Assert.Equal(unchecked((int)0x8010000B), ex.HResult);
            Assert.Equal("SCardConnect", ex.Operation);
            Assert.False(ex.IsServiceUnavailable);
            Assert.Contains("SCARD_E_SHARING_VIOLATION", ex.Message);
        }

        [Fact]
        public void MultiStringsSplitAtSingleNulsAndEndAtTheDoubleNul()
        {
            byte[] utf8 = System.Text.Encoding.UTF8.GetBytes("Reader A\0Lecteur é 01\0\0garbage");
            Assert.Equal(new[] { "Reader A", "Lecteur é 01" }, MultiString.FromUtf8(utf8, utf8.Length));
            char[] utf16 = "Reader A\0Reader B\0\0".ToCharArray();
            Assert.Equal(new[] { "Reader A", "Reader B" }, MultiString.FromUtf16(utf16, utf16.Length));
            Assert.Empty(MultiString.FromUtf8(new byte[] { 0, 0 }, 2));
            Assert.Empty(MultiString.FromUtf8(new byte[0], 0));
        }

        [Fact]
        public void ReaderSnapshotsSplitStateBitsFromTheEventCounter()
        {
            byte[] atr = { 0x3B, 0x02, 0x14, 0x50 };
            uint state = (7u << 16) | (uint)(SmartCardReaderState.Present | SmartCardReaderState.InUse | SmartCardReaderState.Changed);
            var reader = new SmartCardReader("R", state, atr);
            Assert.Equal(7, reader.EventCount);
            Assert.True(reader.CardPresent);
            Assert.True(reader.InUse);
            Assert.False(reader.Exclusive);
            Assert.Equal("3B 02 14 50", reader.Atr);
            Assert.Equal(SmartCardReaderState.Present | SmartCardReaderState.InUse | SmartCardReaderState.Changed, reader.State);

            var empty = new SmartCardReader("R", (uint)SmartCardReaderState.Empty, new byte[0]);
            Assert.False(empty.CardPresent);
            Assert.Null(empty.Atr);
        }
    }
}
