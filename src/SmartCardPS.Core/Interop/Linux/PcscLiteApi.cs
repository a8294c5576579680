using System;
using System.Runtime.InteropServices;

namespace SmartCardPS.Interop.Linux
{
    /// <summary>libpcsclite.so.1: LONG and DWORD are C 'long' (8 bytes on 64-bit Linux), handles are LONG.</summary>
    internal sealed unsafe partial class PcscLiteApi : PcscApiBase<PcscLiteReaderState>
    {
        private const string Lib = "libpcsclite.so.1";

        [DllImport(Lib)] private static extern IntPtr SCardEstablishContext(UIntPtr scope, IntPtr reserved1, IntPtr reserved2, out IntPtr context);
        [DllImport(Lib)] private static extern IntPtr SCardReleaseContext(IntPtr context);
        [DllImport(Lib)] private static extern IntPtr SCardIsValidContext(IntPtr context);
        [DllImport(Lib)] private static extern IntPtr SCardListReaders(IntPtr context, IntPtr groups, byte[] readers, ref UIntPtr length);
        [DllImport(Lib)] private static extern IntPtr SCardGetStatusChange(IntPtr context, UIntPtr timeout, [In, Out] PcscLiteReaderState[] states, UIntPtr count);
        [DllImport(Lib)] private static extern IntPtr SCardCancel(IntPtr context);

        // pcsc-lite defines the codes as (LONG)0x801000xx: positive 64-bit values; keep the low 32 bits.
        private static ScardError Code(IntPtr rc) => (ScardError)unchecked((uint)(long)rc);

        public override int MaxAtrSize => 33;

        public override ScardError EstablishContext(ScardScope scope, out IntPtr context) =>
            Code(SCardEstablishContext((UIntPtr)(uint)scope, IntPtr.Zero, IntPtr.Zero, out context));

        public override ScardError ReleaseContext(IntPtr context) => Code(SCardReleaseContext(context));
        public override ScardError IsValidContext(IntPtr context) => Code(SCardIsValidContext(context));
        public override ScardError Cancel(IntPtr context) => Code(SCardCancel(context));

        public override ScardError ListReaders(IntPtr context, out string[] readers) =>
            ListWithRetry<byte>((buffer, length) =>
            {
                var len = (UIntPtr)(uint)length;
                ScardError rc = Code(SCardListReaders(context, IntPtr.Zero, buffer, ref len));
                return (rc, (int)len.ToUInt64());
            }, MultiString.FromUtf8, out readers);

        protected override ScardError GetStatusChange(IntPtr context, uint timeoutMs, PcscLiteReaderState[] states) =>
            Code(SCardGetStatusChange(context, (UIntPtr)timeoutMs, states, (UIntPtr)(uint)states.Length));

        protected override void Pack(ref PcscLiteReaderState state, IntPtr readerName, ReaderStateRecord record)
        {
            state.Reader = readerName;
            state.CurrentState = (UIntPtr)record.CurrentState;
        }

        protected override void Unpack(ref PcscLiteReaderState state, ReaderStateRecord record)
        {
            record.EventState = (uint)state.EventState.ToUInt64();
            fixed (byte* atr = state.Atr) record.Atr = CopyAtr(atr, state.AtrLength.ToUInt64(), MaxAtrSize);
        }
    }
}
