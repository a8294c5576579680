using System;
using System.Runtime.InteropServices;

namespace SmartCardPS.Interop.Windows
{
    /// <summary>SCARD_IO_REQUEST on Windows: two DWORDs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct WindowsIoRequest
    {
        public uint Protocol;
        public uint PciLength;
    }

    internal sealed unsafe partial class WinSCardApi
    {
        private const uint WindowsRaw = 0x10000;

        [DllImport(Lib, EntryPoint = "SCardConnectW", CharSet = CharSet.Unicode)]
        private static extern int SCardConnect(IntPtr context, string reader, uint share, uint preferred, out IntPtr card, out uint active);
        [DllImport(Lib)] private static extern int SCardReconnect(IntPtr card, uint share, uint preferred, uint initialization, out uint active);
        [DllImport(Lib)] private static extern int SCardDisconnect(IntPtr card, uint disposition);
        [DllImport(Lib)] private static extern int SCardBeginTransaction(IntPtr card);
        [DllImport(Lib)] private static extern int SCardEndTransaction(IntPtr card, uint disposition);
        [DllImport(Lib, EntryPoint = "SCardStatusW")]
        private static extern int SCardStatus(IntPtr card, IntPtr readerName, ref uint readerLength, out uint state, out uint protocol, byte* atr, ref uint atrLength);
        [DllImport(Lib)] private static extern int SCardTransmit(IntPtr card, WindowsIoRequest* sendPci, byte* send, uint sendLength, IntPtr receivePci, byte* receive, ref uint receiveLength);
        [DllImport(Lib)] private static extern int SCardControl(IntPtr card, uint code, byte* input, uint inputLength, byte* output, uint outputCapacity, out uint returned);
        [DllImport(Lib)] private static extern int SCardGetAttrib(IntPtr card, uint attribute, byte[] buffer, ref uint length);

        private static uint ToNative(SmartCardProtocol p) =>
            ((p & SmartCardProtocol.Raw) != 0 ? WindowsRaw : 0) | (uint)(p & SmartCardProtocol.Any);

        private static SmartCardProtocol FromNative(uint p) =>
            ((p & WindowsRaw) != 0 ? SmartCardProtocol.Raw : 0) | (SmartCardProtocol)(p & 3);

        /// <summary>CTL_CODE(FILE_DEVICE_SMARTCARD, function, METHOD_BUFFERED, FILE_ANY_ACCESS).</summary>
        public override uint ControlCode(int function) => 0x310000u | ((uint)function << 2);

        public override ScardError Connect(IntPtr context, string reader, SmartCardShareMode share, SmartCardProtocol preferred,
            out IntPtr card, out SmartCardProtocol active)
        {
            ScardError rc = Code(SCardConnect(context, reader, (uint)share, ToNative(preferred), out card, out uint p));
            active = FromNative(p);
            return rc;
        }

        public override ScardError Reconnect(IntPtr card, SmartCardShareMode share, SmartCardProtocol preferred,
            SmartCardDisposition initialization, out SmartCardProtocol active)
        {
            ScardError rc = Code(SCardReconnect(card, (uint)share, ToNative(preferred), (uint)initialization, out uint p));
            active = FromNative(p);
            return rc;
        }

        public override ScardError Disconnect(IntPtr card, SmartCardDisposition disposition) => Code(SCardDisconnect(card, (uint)disposition));
        public override ScardError BeginTransaction(IntPtr card) => Code(SCardBeginTransaction(card));
        public override ScardError EndTransaction(IntPtr card, SmartCardDisposition disposition) => Code(SCardEndTransaction(card, (uint)disposition));

        public override ScardError Status(IntPtr card, out SmartCardProtocol protocol, out byte[] atr)
        {
            byte* buffer = stackalloc byte[MaxAtrSize];
            uint readerLength = 0, atrLength = (uint)MaxAtrSize;
            ScardError rc = Code(SCardStatus(card, IntPtr.Zero, ref readerLength, out _, out uint p, buffer, ref atrLength));
            protocol = FromNative(p);
            atr = rc == ScardError.Success ? CopyAtr(buffer, atrLength, MaxAtrSize) : Array.Empty<byte>();
            return rc;
        }

        public override ScardError Transmit(IntPtr card, SmartCardProtocol protocol, byte* send, int sendLength, byte* receive, ref int receiveLength)
        {
            var pci = new WindowsIoRequest { Protocol = ToNative(protocol), PciLength = (uint)sizeof(WindowsIoRequest) };
            uint length = (uint)receiveLength;
            ScardError rc = Code(SCardTransmit(card, &pci, send, (uint)sendLength, IntPtr.Zero, receive, ref length));
            receiveLength = (int)length;
            return rc;
        }

        public override ScardError Control(IntPtr card, uint controlCode, byte* input, int inputLength, byte* output, int outputCapacity, out int outputLength)
        {
            ScardError rc = Code(SCardControl(card, controlCode, input, (uint)inputLength, output, (uint)outputCapacity, out uint returned));
            outputLength = (int)returned;
            return rc;
        }

        public override ScardError GetAttrib(IntPtr card, uint attribute, byte[] buffer, ref int length)
        {
            uint len = (uint)length;
            ScardError rc = Code(SCardGetAttrib(card, attribute, buffer, ref len));
            length = (int)len;
            return rc;
        }
    }
}
