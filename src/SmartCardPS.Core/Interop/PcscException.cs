using System;

namespace SmartCardPS.Interop
{
    /// <summary>
    /// A PC/SC call failed: <see cref="Error"/> is the native code (also the HResult), <see cref="ErrorName"/> its
    /// SCARD_* name, <see cref="Operation"/> the call that failed.
    /// </summary>
    public class PcscException : Exception
    {
        public PcscException(ScardError error, string operation)
            : base($"{operation} failed with {ScardErrorInfo.NameOf(error)} (0x{(uint)error:X8}): {ScardErrorInfo.DescriptionOf(error)}")
        {
            Error = error;
            Operation = operation;
            HResult = unchecked((int)error);
        }

        public ScardError Error { get; }
        public string ErrorName => ScardErrorInfo.NameOf(Error);
        public string Operation { get; }

        /// <summary>The service is gone (not running, stopped, restarted): callers treat these alike.</summary>
        public bool IsServiceUnavailable =>
            Error == ScardError.NoService || Error == ScardError.ServiceStopped ||
            Error == ScardError.CommError || Error == ScardError.InvalidHandle || Error == ScardError.Shutdown;
    }
}
