using System;
using System.Runtime.InteropServices;
using SmartCardPS.Interop.Linux;
using SmartCardPS.Interop.MacOS;
using SmartCardPS.Interop.Windows;
using SmartCardPS.Interop;
using SmartCardPS.Pcsc;
using Xunit;

namespace SmartCardPS.Tests.Interop
{
    /// <summary>The SCARD_READERSTATE layouts must match each platform's header byte for byte.</summary>
    public class ReaderStateLayoutTests
    {
        [Fact]
        public void PcscLiteUsesLongSizedDwordsAnd33ByteAtr()
        {
            int word = IntPtr.Size; // unsigned long: 8 on LP64, 4 on 32-bit
            Assert.Equal(0, (int)Marshal.OffsetOf<PcscLiteReaderState>(nameof(PcscLiteReaderState.Reader)));
            Assert.Equal(IntPtr.Size, (int)Marshal.OffsetOf<PcscLiteReaderState>(nameof(PcscLiteReaderState.UserData)));
            Assert.Equal(2 * IntPtr.Size, (int)Marshal.OffsetOf<PcscLiteReaderState>(nameof(PcscLiteReaderState.CurrentState)));
            Assert.Equal(2 * IntPtr.Size + word, (int)Marshal.OffsetOf<PcscLiteReaderState>(nameof(PcscLiteReaderState.EventState)));
            Assert.Equal(2 * IntPtr.Size + 2 * word, (int)Marshal.OffsetOf<PcscLiteReaderState>(nameof(PcscLiteReaderState.AtrLength)));
            Assert.Equal(2 * IntPtr.Size + 3 * word, (int)Marshal.OffsetOf<PcscLiteReaderState>("Atr"));
            int unpadded = 2 * IntPtr.Size + 3 * word + 33;
            int expected = (unpadded + word - 1) / word * word;
            Assert.Equal(expected, Marshal.SizeOf<PcscLiteReaderState>());
            if (IntPtr.Size == 8) Assert.Equal(80, Marshal.SizeOf<PcscLiteReaderState>());
        }

        [Fact]
        public void WindowsUses32BitDwordsAnd36ByteAtr()
        {
            Assert.Equal(2 * IntPtr.Size, (int)Marshal.OffsetOf<WindowsReaderState>(nameof(WindowsReaderState.CurrentState)));
            Assert.Equal(2 * IntPtr.Size + 4, (int)Marshal.OffsetOf<WindowsReaderState>(nameof(WindowsReaderState.EventState)));
            Assert.Equal(2 * IntPtr.Size + 8, (int)Marshal.OffsetOf<WindowsReaderState>(nameof(WindowsReaderState.AtrLength)));
            Assert.Equal(2 * IntPtr.Size + 12, (int)Marshal.OffsetOf<WindowsReaderState>("Atr"));
            if (IntPtr.Size == 8) Assert.Equal(64, Marshal.SizeOf<WindowsReaderState>());
            else Assert.Equal(56, Marshal.SizeOf<WindowsReaderState>());
        }

        [Fact]
        public void MacIsPackedWith32BitDwordsAnd33ByteAtr()
        {
            Assert.Equal(2 * IntPtr.Size, (int)Marshal.OffsetOf<MacReaderState>(nameof(MacReaderState.CurrentState)));
            Assert.Equal(2 * IntPtr.Size + 12, (int)Marshal.OffsetOf<MacReaderState>("Atr"));
            Assert.Equal(2 * IntPtr.Size + 12 + 33, Marshal.SizeOf<MacReaderState>());
        }

        [Fact]
        public void EachPlatformReportsItsAtrCapacity()
        {
            Assert.Equal(33, new PcscLiteApi().MaxAtrSize);
            Assert.Equal(36, new WinSCardApi().MaxAtrSize);
            Assert.Equal(33, new MacPcscApi().MaxAtrSize);
        }

        [Fact]
        public void EachPlatformPicksItsApi()
        {
            Type expected = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? typeof(WinSCardApi)
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? typeof(MacPcscApi)
                : typeof(PcscLiteApi);
            Assert.IsType(expected, PcscPlatform.Api);
        }
    }
}
