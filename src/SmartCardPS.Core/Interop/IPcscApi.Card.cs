using System;

namespace SmartCardPS.Interop
{
    /// <summary>
    /// The card-handle half of the PC/SC surface. Handles are IntPtr-sized on every platform (macOS narrows them);
    /// buffers are passed as pointers so a warm APDU loop pins nothing and allocates nothing per call.
    /// </summary>
    internal partial interface IPcscApi
    {
        ScardError Connect(IntPtr context, string reader, SmartCardShareMode share, SmartCardProtocol preferred,
            out IntPtr card, out SmartCardProtocol active);
        ScardError Reconnect(IntPtr card, SmartCardShareMode share, SmartCardProtocol preferred,
            SmartCardDisposition initialization, out SmartCardProtocol active);
        ScardError Disconnect(IntPtr card, SmartCardDisposition disposition);
        ScardError BeginTransaction(IntPtr card);
        ScardError EndTransaction(IntPtr card, SmartCardDisposition disposition);

        /// <summary>SCardStatus: the active protocol and the ATR (the state word differs per OS and is not needed).</summary>
        ScardError Status(IntPtr card, out SmartCardProtocol protocol, out byte[] atr);

        unsafe ScardError Transmit(IntPtr card, SmartCardProtocol protocol, byte* send, int sendLength, byte* receive, ref int receiveLength);
        unsafe ScardError Control(IntPtr card, uint controlCode, byte* input, int inputLength, byte* output, int outputCapacity, out int outputLength);

        /// <summary>SCardGetAttrib; a null buffer asks for the length.</summary>
        ScardError GetAttrib(IntPtr card, uint attribute, byte[] buffer, ref int length);

        /// <summary>The platform's SCARD_CTL_CODE(function): pcsc-lite and macOS add 0x42000000, Windows uses CTL_CODE(FILE_DEVICE_SMARTCARD, …).</summary>
        uint ControlCode(int function);
    }
}
