using System;
using SmartCardPS.Cards;
using SmartCardPS.Interop;

namespace SmartCardPS.Tests
{
    /// <summary>
    /// The real PC/SC library, except that a wait the service's end cut short comes back as pcsc-lite answers it on a
    /// loaded machine when pcscd is killed: SCARD_W_SECURITY_VIOLATION instead of a service error. That race is
    /// rare; this makes it happen every time.
    /// </summary>
    internal sealed class OddWaitAnswerApi : IPcscApi
    {
        private readonly IPcscApi api;

        public OddWaitAnswerApi(IPcscApi api) => this.api = api;

        public int MaxAtrSize => api.MaxAtrSize;

        public ScardError GetStatusChange(IntPtr context, uint timeoutMs, ReaderStateRecord[] states)
        {
            ScardError rc = api.GetStatusChange(context, timeoutMs, states);
            return new PcscException(rc, "SCardGetStatusChange").IsServiceUnavailable ? ScardError.SecurityViolation : rc;
        }

        public ScardError EstablishContext(ScardScope scope, out IntPtr context) => api.EstablishContext(scope, out context);
        public ScardError ReleaseContext(IntPtr context) => api.ReleaseContext(context);
        public ScardError IsValidContext(IntPtr context) => api.IsValidContext(context);
        public ScardError ListReaders(IntPtr context, out string[] readers) => api.ListReaders(context, out readers);
        public ScardError Cancel(IntPtr context) => api.Cancel(context);

        public ScardError Connect(IntPtr context, string reader, SmartCardShareMode share, SmartCardProtocol preferred, out IntPtr card, out SmartCardProtocol active) =>
            api.Connect(context, reader, share, preferred, out card, out active);
        public ScardError Reconnect(IntPtr card, SmartCardShareMode share, SmartCardProtocol preferred, SmartCardDisposition initialization, out SmartCardProtocol active) =>
            api.Reconnect(card, share, preferred, initialization, out active);
        public ScardError Disconnect(IntPtr card, SmartCardDisposition disposition) => api.Disconnect(card, disposition);
        public ScardError BeginTransaction(IntPtr card) => api.BeginTransaction(card);
        public ScardError EndTransaction(IntPtr card, SmartCardDisposition disposition) => api.EndTransaction(card, disposition);
        public ScardError Status(IntPtr card, out SmartCardProtocol protocol, out byte[] atr) => api.Status(card, out protocol, out atr);
        public unsafe ScardError Transmit(IntPtr card, SmartCardProtocol protocol, byte* send, int sendLength, byte* receive, ref int receiveLength) =>
            api.Transmit(card, protocol, send, sendLength, receive, ref receiveLength);
        public unsafe ScardError Control(IntPtr card, uint controlCode, byte* input, int inputLength, byte* output, int outputCapacity, out int outputLength) =>
            api.Control(card, controlCode, input, inputLength, output, outputCapacity, out outputLength);
        public ScardError GetAttrib(IntPtr card, uint attribute, byte[] buffer, ref int length) => api.GetAttrib(card, attribute, buffer, ref length);
        public uint ControlCode(int function) => api.ControlCode(function);
    }
}
