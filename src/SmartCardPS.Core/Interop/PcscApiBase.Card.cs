using System;

namespace SmartCardPS.Interop
{
    internal abstract partial class PcscApiBase<TState>
    {
        public abstract ScardError Connect(IntPtr context, string reader, SmartCardShareMode share, SmartCardProtocol preferred,
            out IntPtr card, out SmartCardProtocol active);
        public abstract ScardError Reconnect(IntPtr card, SmartCardShareMode share, SmartCardProtocol preferred,
            SmartCardDisposition initialization, out SmartCardProtocol active);
        public abstract ScardError Disconnect(IntPtr card, SmartCardDisposition disposition);
        public abstract ScardError BeginTransaction(IntPtr card);
        public abstract ScardError EndTransaction(IntPtr card, SmartCardDisposition disposition);
        public abstract ScardError Status(IntPtr card, out SmartCardProtocol protocol, out byte[] atr);
        public abstract unsafe ScardError Transmit(IntPtr card, SmartCardProtocol protocol, byte* send, int sendLength, byte* receive, ref int receiveLength);
        public abstract unsafe ScardError Control(IntPtr card, uint controlCode, byte* input, int inputLength, byte* output, int outputCapacity, out int outputLength);
        public abstract ScardError GetAttrib(IntPtr card, uint attribute, byte[] buffer, ref int length);

        /// <summary>pcsc-lite's (and macOS's) SCARD_CTL_CODE; Windows overrides it.</summary>
        public virtual uint ControlCode(int function) => 0x42000000u + (uint)function;

        /// <summary>Reader names for SCardConnect: UTF-8, NUL-terminated (Windows passes UTF-16 instead).</summary>
        protected static byte[] Utf8Z(string text)
        {
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
            Array.Resize(ref bytes, bytes.Length + 1);
            return bytes;
        }
    }
}
