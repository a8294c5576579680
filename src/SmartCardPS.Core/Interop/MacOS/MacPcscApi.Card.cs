using System;
using System.Runtime.InteropServices;

namespace SmartCardPS.Interop.MacOS
{
    /// <summary>SCARD_IO_REQUEST on macOS: two uint32_t.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    internal struct MacIoRequest
    {
        public uint Protocol;
        public uint PciLength;
    }

    /// <summary>SCARDHANDLE is int32_t here; SCardControl132 is the control-code (PC/SC v2) entry point.</summary>
    internal sealed unsafe partial class MacPcscApi
    {
        [DllImport(Lib)] private static extern int SCardConnect(int context, byte[] reader, uint share, uint preferred, out int card, out uint active);
        [DllImport(Lib)] private static extern int SCardReconnect(int card, uint share, uint preferred, uint initialization, out uint active);
        [DllImport(Lib)] private static extern int SCardDisconnect(int card, uint disposition);
        [DllImport(Lib)] private static extern int SCardBeginTransaction(int card);
        [DllImport(Lib)] private static extern int SCardEndTransaction(int card, uint disposition);
        [DllImport(Lib)] private static extern int SCardStatus(int card, IntPtr readerName, ref uint readerLength, out uint state, out uint protocol, byte* atr, ref uint atrLength);
        [DllImport(Lib)] private static extern int SCardTransmit(int card, MacIoRequest* sendPci, byte* send, uint sendLength, IntPtr receivePci, byte* receive, ref uint receiveLength);
        [DllImport(Lib, EntryPoint = "SCardControl132")]
        private static extern int SCardControl(int card, uint code, byte* input, uint inputLength, byte* output, uint outputCapacity, out uint returned);
        [DllImport(Lib)] private static extern int SCardGetAttrib(int card, uint attribute, byte[] buffer, ref uint length);

        public override ScardError Connect(IntPtr context, string reader, SmartCardShareMode share, SmartCardProtocol preferred,
            out IntPtr card, out SmartCardProtocol active)
        {
            ScardError rc = Code(SCardConnect(Ctx(context), Utf8Z(reader), (uint)share, (uint)preferred, out int c, out uint p));
            card = new IntPtr(c);
            active = (SmartCardProtocol)p;
            return rc;
        }

        public override ScardError Reconnect(IntPtr card, SmartCardShareMode share, SmartCardProtocol preferred,
            SmartCardDisposition initialization, out SmartCardProtocol active)
        {
            ScardError rc = Code(SCardReconnect(Ctx(card), (uint)share, (uint)preferred, (uint)initialization, out uint p));
            active = (SmartCardProtocol)p;
            return rc;
        }

        public override ScardError Disconnect(IntPtr card, SmartCardDisposition disposition) => Code(SCardDisconnect(Ctx(card), (uint)disposition));
        public override ScardError BeginTransaction(IntPtr card) => Code(SCardBeginTransaction(Ctx(card)));
        public override ScardError EndTransaction(IntPtr card, SmartCardDisposition disposition) => Code(SCardEndTransaction(Ctx(card), (uint)disposition));

        public override ScardError Status(IntPtr card, out SmartCardProtocol protocol, out byte[] atr)
        {
            byte* buffer = stackalloc byte[MaxAtrSize];
            uint readerLength = 0, atrLength = (uint)MaxAtrSize;
            ScardError rc = Code(SCardStatus(Ctx(card), IntPtr.Zero, ref readerLength, out _, out uint p, buffer, ref atrLength));
            protocol = (SmartCardProtocol)p;
            atr = rc == ScardError.Success ? CopyAtr(buffer, atrLength, MaxAtrSize) : Array.Empty<byte>();
            return rc;
        }

        public override ScardError Transmit(IntPtr card, SmartCardProtocol protocol, byte* send, int sendLength, byte* receive, ref int receiveLength)
        {
            var pci = new MacIoRequest { Protocol = (uint)protocol, PciLength = (uint)sizeof(MacIoRequest) };
            uint length = (uint)receiveLength;
            ScardError rc = Code(SCardTransmit(Ctx(card), &pci, send, (uint)sendLength, IntPtr.Zero, receive, ref length));
            receiveLength = (int)length;
            return rc;
        }

        public override ScardError Control(IntPtr card, uint controlCode, byte* input, int inputLength, byte* output, int outputCapacity, out int outputLength)
        {
            ScardError rc = Code(SCardControl(Ctx(card), controlCode, input, (uint)inputLength, output, (uint)outputCapacity, out uint returned));
            outputLength = (int)returned;
            return rc;
        }

        public override ScardError GetAttrib(IntPtr card, uint attribute, byte[] buffer, ref int length)
        {
            uint len = (uint)length;
            ScardError rc = Code(SCardGetAttrib(Ctx(card), attribute, buffer, ref len));
            length = (int)len;
            return rc;
        }
    }
}
