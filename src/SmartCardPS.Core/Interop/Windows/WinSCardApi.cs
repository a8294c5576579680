using System;
using System.Runtime.InteropServices;

namespace SmartCardPS.Interop.Windows
{
    /// <summary>winscard.dll, wide-character entry points: LONG and DWORD are 32-bit, handles are ULONG_PTR.</summary>
    internal sealed unsafe partial class WinSCardApi : PcscApiBase<WindowsReaderState>
    {
        private const string Lib = "winscard.dll";

        [DllImport(Lib)] private static extern int SCardEstablishContext(uint scope, IntPtr reserved1, IntPtr reserved2, out IntPtr context);
        [DllImport(Lib)] private static extern int SCardReleaseContext(IntPtr context);
        [DllImport(Lib)] private static extern int SCardIsValidContext(IntPtr context);
        [DllImport(Lib, EntryPoint = "SCardListReadersW", CharSet = CharSet.Unicode)]
        private static extern int SCardListReaders(IntPtr context, IntPtr groups, char[] readers, ref uint length);
        [DllImport(Lib, EntryPoint = "SCardGetStatusChangeW")]
        private static extern int SCardGetStatusChange(IntPtr context, uint timeout, [In, Out] WindowsReaderState[] states, uint count);
        [DllImport(Lib)] private static extern int SCardCancel(IntPtr context);

        private static ScardError Code(int rc) => (ScardError)unchecked((uint)rc);

        public override int MaxAtrSize => 36;

        public override ScardError EstablishContext(ScardScope scope, out IntPtr context) =>
            Code(SCardEstablishContext((uint)scope, IntPtr.Zero, IntPtr.Zero, out context));

        public override ScardError ReleaseContext(IntPtr context) => Code(SCardReleaseContext(context));
        public override ScardError IsValidContext(IntPtr context) => Code(SCardIsValidContext(context));
        public override ScardError Cancel(IntPtr context) => Code(SCardCancel(context));

        public override ScardError ListReaders(IntPtr context, out string[] readers) =>
            ListWithRetry<char>((buffer, length) =>
            {
                uint len = (uint)length;
                ScardError rc = Code(SCardListReaders(context, IntPtr.Zero, buffer, ref len));
                return (rc, (int)len);
            }, MultiString.FromUtf16, out readers);

        protected override IntPtr AllocReaderName(string name) => Marshal.StringToHGlobalUni(name);

        protected override ScardError GetStatusChange(IntPtr context, uint timeoutMs, WindowsReaderState[] states) =>
            Code(SCardGetStatusChange(context, timeoutMs, states, (uint)states.Length));

        protected override void Pack(ref WindowsReaderState state, IntPtr readerName, ReaderStateRecord record)
        {
            state.Reader = readerName;
            state.CurrentState = record.CurrentState;
        }

        protected override void Unpack(ref WindowsReaderState state, ReaderStateRecord record)
        {
            record.EventState = state.EventState;
            fixed (byte* atr = state.Atr) record.Atr = CopyAtr(atr, state.AtrLength, MaxAtrSize);
        }
    }
}
