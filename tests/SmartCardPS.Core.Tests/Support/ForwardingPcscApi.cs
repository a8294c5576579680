using System;
using SmartCardPS.Interop;

namespace SmartCardPS.Tests.Support
{
    /// <summary>The real PC/SC library behind every call; a test's wrapper overrides the one answer it changes.</summary>
    internal abstract class ForwardingPcscApi : IPcscApi
    {
        protected readonly IPcscApi Api;

        protected ForwardingPcscApi(IPcscApi api) => Api = api;

        public int MaxAtrSize => Api.MaxAtrSize;

        public virtual ScardError GetStatusChange(IntPtr context, uint timeoutMs, ReaderStateRecord[] states) => Api.GetStatusChange(context, timeoutMs, states);
        public virtual ScardError EstablishContext(ScardScope scope, out IntPtr context) => Api.EstablishContext(scope, out context);
        public ScardError ReleaseContext(IntPtr context) => Api.ReleaseContext(context);
        public ScardError IsValidContext(IntPtr context) => Api.IsValidContext(context);
        public ScardError ListReaders(IntPtr context, out string[] readers) => Api.ListReaders(context, out readers);
        public ScardError Cancel(IntPtr context) => Api.Cancel(context);

        public virtual ScardError Connect(IntPtr context, string reader, SmartCardShareMode share, SmartCardProtocol preferred, out IntPtr card, out SmartCardProtocol active) =>
            Api.Connect(context, reader, share, preferred, out card, out active);
        public ScardError Reconnect(IntPtr card, SmartCardShareMode share, SmartCardProtocol preferred, SmartCardDisposition initialization, out SmartCardProtocol active) =>
            Api.Reconnect(card, share, preferred, initialization, out active);
        public ScardError Disconnect(IntPtr card, SmartCardDisposition disposition) => Api.Disconnect(card, disposition);
        public ScardError BeginTransaction(IntPtr card) => Api.BeginTransaction(card);
        public ScardError EndTransaction(IntPtr card, SmartCardDisposition disposition) => Api.EndTransaction(card, disposition);
        public ScardError Status(IntPtr card, out SmartCardProtocol protocol, out byte[] atr) => Api.Status(card, out protocol, out atr);
        public unsafe ScardError Transmit(IntPtr card, SmartCardProtocol protocol, byte* send, int sendLength, byte* receive, ref int receiveLength) =>
            Api.Transmit(card, protocol, send, sendLength, receive, ref receiveLength);
        public unsafe ScardError Control(IntPtr card, uint controlCode, byte* input, int inputLength, byte* output, int outputCapacity, out int outputLength) =>
            Api.Control(card, controlCode, input, inputLength, output, outputCapacity, out outputLength);
        public ScardError GetAttrib(IntPtr card, uint attribute, byte[] buffer, ref int length) => Api.GetAttrib(card, attribute, buffer, ref length);
        public uint ControlCode(int function) => Api.ControlCode(function);
    }
}
