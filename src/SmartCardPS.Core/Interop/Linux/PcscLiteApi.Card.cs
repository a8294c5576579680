using System;
using System.Runtime.InteropServices;

namespace SmartCardPS.Interop.Linux
{
    /// <summary>SCARD_IO_REQUEST on pcsc-lite: two C 'unsigned long's.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PcscLiteIoRequest
    {
        public UIntPtr Protocol;
        public UIntPtr PciLength;
    }

    internal sealed unsafe partial class PcscLiteApi
    {
        [DllImport(Lib)] private static extern IntPtr SCardConnect(IntPtr context, byte[] reader, UIntPtr share, UIntPtr preferred, out IntPtr card, out UIntPtr active);
        [DllImport(Lib)] private static extern IntPtr SCardReconnect(IntPtr card, UIntPtr share, UIntPtr preferred, UIntPtr initialization, out UIntPtr active);
        [DllImport(Lib)] private static extern IntPtr SCardDisconnect(IntPtr card, UIntPtr disposition);
        [DllImport(Lib)] private static extern IntPtr SCardBeginTransaction(IntPtr card);
        [DllImport(Lib)] private static extern IntPtr SCardEndTransaction(IntPtr card, UIntPtr disposition);
        [DllImport(Lib)] private static extern IntPtr SCardStatus(IntPtr card, IntPtr readerName, ref UIntPtr readerLength, out UIntPtr state, out UIntPtr protocol, byte* atr, ref UIntPtr atrLength);
        [DllImport(Lib)] private static extern IntPtr SCardTransmit(IntPtr card, PcscLiteIoRequest* sendPci, byte* send, UIntPtr sendLength, IntPtr receivePci, byte* receive, ref UIntPtr receiveLength);
        [DllImport(Lib)] private static extern IntPtr SCardControl(IntPtr card, UIntPtr code, byte* input, UIntPtr inputLength, byte* output, UIntPtr outputCapacity, out UIntPtr returned);
        [DllImport(Lib)] private static extern IntPtr SCardGetAttrib(IntPtr card, UIntPtr attribute, byte[] buffer, ref UIntPtr length);

        private static UIntPtr U(int value) => (UIntPtr)(uint)value;

        public override ScardError Connect(IntPtr context, string reader, SmartCardShareMode share, SmartCardProtocol preferred,
            out IntPtr card, out SmartCardProtocol active)
        {
            ScardError rc = Code(SCardConnect(context, Utf8Z(reader), U((int)share), U((int)preferred), out card, out UIntPtr p));
            active = (SmartCardProtocol)(int)p.ToUInt64();
            return rc;
        }

        public override ScardError Reconnect(IntPtr card, SmartCardShareMode share, SmartCardProtocol preferred,
            SmartCardDisposition initialization, out SmartCardProtocol active)
        {
            ScardError rc = Code(SCardReconnect(card, U((int)share), U((int)preferred), U((int)initialization), out UIntPtr p));
            active = (SmartCardProtocol)(int)p.ToUInt64();
            return rc;
        }

        public override ScardError Disconnect(IntPtr card, SmartCardDisposition disposition) => Code(SCardDisconnect(card, U((int)disposition)));
        public override ScardError BeginTransaction(IntPtr card) => Code(SCardBeginTransaction(card));
        public override ScardError EndTransaction(IntPtr card, SmartCardDisposition disposition) => Code(SCardEndTransaction(card, U((int)disposition)));

        public override ScardError Status(IntPtr card, out SmartCardProtocol protocol, out byte[] atr)
        {
            byte* buffer = stackalloc byte[MaxAtrSize];
            var readerLength = UIntPtr.Zero;
            var atrLength = (UIntPtr)(uint)MaxAtrSize;
            ScardError rc = Code(SCardStatus(card, IntPtr.Zero, ref readerLength, out _, out UIntPtr p, buffer, ref atrLength));
            protocol = (SmartCardProtocol)(int)p.ToUInt64();
            atr = rc == ScardError.Success ? CopyAtr(buffer, atrLength.ToUInt64(), MaxAtrSize) : Array.Empty<byte>();
            return rc;
        }

        public override ScardError Transmit(IntPtr card, SmartCardProtocol protocol, byte* send, int sendLength, byte* receive, ref int receiveLength)
        {
            var pci = new PcscLiteIoRequest { Protocol = U((int)protocol), PciLength = (UIntPtr)(uint)sizeof(PcscLiteIoRequest) };
            var length = U(receiveLength);
            ScardError rc = Code(SCardTransmit(card, &pci, send, U(sendLength), IntPtr.Zero, receive, ref length));
            receiveLength = (int)length.ToUInt64();
            return rc;
        }

        public override ScardError Control(IntPtr card, uint controlCode, byte* input, int inputLength, byte* output, int outputCapacity, out int outputLength)
        {
            ScardError rc = Code(SCardControl(card, (UIntPtr)controlCode, input, U(inputLength), output, U(outputCapacity), out UIntPtr returned));
            outputLength = (int)returned.ToUInt64();
            return rc;
        }

        public override ScardError GetAttrib(IntPtr card, uint attribute, byte[] buffer, ref int length)
        {
            var len = U(length);
            ScardError rc = Code(SCardGetAttrib(card, (UIntPtr)attribute, buffer, ref len));
            length = (int)len.ToUInt64();
            return rc;
        }
    }
}
