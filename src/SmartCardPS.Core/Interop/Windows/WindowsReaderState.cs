using System;
using System.Runtime.InteropServices;

namespace SmartCardPS.Interop.Windows
{
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
}
