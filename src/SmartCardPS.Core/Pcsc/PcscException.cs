using System;
using SmartCardPS.Interop;

namespace SmartCardPS.Pcsc
{
    /// <summary>
    /// A PC/SC call failed: <see cref="Error"/> is the native code (also the HResult), <see cref="ErrorName"/> its
    /// SCARD_* name, <see cref="Operation"/> the call that failed.
    /// </summary>
    public class PcscException : Exception
    {
        public PcscException(ScardError error, string operation) : this(error, operation, ScardErrorInfo.DescriptionOf(error))
        {
        }

        /// <summary>The failure with an <paramref name="explanation"/> of this occurrence (who holds the card, what refused) instead of the code's usual sentence.</summary>
        public PcscException(ScardError error, string operation, string explanation)
            : base($"{operation} failed with {ScardErrorInfo.NameOf(error)} (0x{(uint)error:X8}): {explanation}")
        {
            Error = error;
            Operation = operation;
            HResult = unchecked((int)error);
        }

        public ScardError Error { get; }
        public string ErrorName => ScardErrorInfo.NameOf(Error);
        public string Operation { get; }

        /// <summary>
        /// The service is gone (not running, stopped, restarted): callers treat these alike. winscard.dll says so with
        /// Win32 codes too: ERROR_INVALID_HANDLE for the contexts of a service that restarted, ERROR_BROKEN_PIPE.
        /// </summary>
        public bool IsServiceUnavailable =>
            Error == ScardError.NoService || Error == ScardError.ServiceStopped ||
            Error == ScardError.CommError || Error == ScardError.InvalidHandle || Error == ScardError.Shutdown ||
            Error == ScardError.ErrorInvalidHandle || Error == ScardError.ErrorBrokenPipe;
    }
}
