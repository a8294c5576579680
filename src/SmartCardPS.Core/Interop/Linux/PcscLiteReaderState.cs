using System;
using System.Runtime.InteropServices;

namespace SmartCardPS.Interop.Linux
{
    // pcsc-lite (Linux, BSD): DWORD is 'unsigned long', pointer-sized on LP64; rgbAtr is MAX_ATR_SIZE (33).
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct PcscLiteReaderState
    {
        public IntPtr Reader;
        public IntPtr UserData;
        public UIntPtr CurrentState;
        public UIntPtr EventState;
        public UIntPtr AtrLength;
        public fixed byte Atr[33];
    }
}
