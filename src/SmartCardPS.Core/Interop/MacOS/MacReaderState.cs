using System;
using System.Runtime.InteropServices;

namespace SmartCardPS.Interop.MacOS
{
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
