using System;
using System.Runtime.InteropServices;

namespace SmartCardPS.Interop
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

    // winscard.dll: DWORD is 32-bit, rgbAtr is 36 bytes, natural alignment.
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct WindowsReaderState
    {
        public IntPtr Reader;
        public IntPtr UserData;
        public uint CurrentState;
        public uint EventState;
        public uint AtrLength;
        public fixed byte Atr[36];
    }

    // macOS PCSC.framework: DWORD is uint32_t and the header wraps the struct in #pragma pack(1).
    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    internal unsafe struct MacReaderState
    {
        public IntPtr Reader;
        public IntPtr UserData;
        public uint CurrentState;
        public uint EventState;
        public uint AtrLength;
        public fixed byte Atr[33];
    }
}
