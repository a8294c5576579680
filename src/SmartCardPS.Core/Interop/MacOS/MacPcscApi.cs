using System;
using System.Runtime.InteropServices;

namespace SmartCardPS.Interop.MacOS
{
    /// <summary>macOS PCSC.framework: LONG, DWORD and SCARDCONTEXT are all 32-bit; structs are packed.</summary>
    internal sealed unsafe partial class MacPcscApi : PcscApiBase<MacReaderState>
    {
        private const string Lib = "/System/Library/Frameworks/PCSC.framework/PCSC";

        [DllImport(Lib)] private static extern int SCardEstablishContext(uint scope, IntPtr reserved1, IntPtr reserved2, out int context);
        [DllImport(Lib)] private static extern int SCardReleaseContext(int context);
        [DllImport(Lib)] private static extern int SCardIsValidContext(int context);
        [DllImport(Lib)] private static extern int SCardListReaders(int context, IntPtr groups, byte[] readers, ref uint length);
        [DllImport(Lib)] private static extern int SCardGetStatusChange(int context, uint timeout, [In, Out] MacReaderState[] states, uint count);
        [DllImport(Lib)] private static extern int SCardCancel(int context);

        private static ScardError Code(int rc) => (ScardError)unchecked((uint)rc);
        private static int Ctx(IntPtr context) => unchecked((int)context.ToInt64());

        public override int MaxAtrSize => 33;

        public override ScardError EstablishContext(ScardScope scope, out IntPtr context)
        {
            ScardError rc = Code(SCardEstablishContext((uint)scope, IntPtr.Zero, IntPtr.Zero, out int ctx));
            context = new IntPtr(ctx);
            return rc;
        }

        public override ScardError ReleaseContext(IntPtr context) => Code(SCardReleaseContext(Ctx(context)));
        public override ScardError IsValidContext(IntPtr context) => Code(SCardIsValidContext(Ctx(context)));
        public override ScardError Cancel(IntPtr context) => Code(SCardCancel(Ctx(context)));

        public override ScardError ListReaders(IntPtr context, out string[] readers) =>
            ListWithRetry<byte>((buffer, length) =>
            {
                uint len = (uint)length;
                ScardError rc = Code(SCardListReaders(Ctx(context), IntPtr.Zero, buffer, ref len));
                return (rc, (int)len);
            }, MultiString.FromUtf8, out readers);

        protected override ScardError GetStatusChange(IntPtr context, uint timeoutMs, MacReaderState[] states) =>
            Code(SCardGetStatusChange(Ctx(context), timeoutMs, states, (uint)states.Length));

        protected override void Pack(ref MacReaderState state, IntPtr readerName, ReaderStateRecord record)
        {
            state.Reader = readerName;
            state.CurrentState = record.CurrentState;
        }

        protected override void Unpack(ref MacReaderState state, ReaderStateRecord record)
        {
            record.EventState = state.EventState;
            fixed (byte* atr = state.Atr) record.Atr = CopyAtr(atr, state.AtrLength, MaxAtrSize);
        }
    }
}
