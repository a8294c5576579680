using System;

namespace SmartCardPS
{
    /// <summary>A PC/SC call failed; carries the native code and its SCARD_* name.</summary>
    [Serializable]
    public class PcscException : Exception
    {
        public PcscException(ScardError error, string operation)
            : base($"{operation} failed with {ScardErrorInfo.NameOf(error)} (0x{(uint)error:X8}): {ScardErrorInfo.DescriptionOf(error)}")
        {
            Error = error;
            Operation = operation;
            HResult = unchecked((int)error);
        }

        protected PcscException(System.Runtime.Serialization.SerializationInfo info, System.Runtime.Serialization.StreamingContext context)
            : base(info, context) { }

        public ScardError Error { get; }
        public string ErrorName => ScardErrorInfo.NameOf(Error);
        public string Operation { get; }

        /// <summary>The service is gone (not running, stopped, restarted): callers treat these alike.</summary>
        public bool IsServiceUnavailable =>
            Error == ScardError.NoService || Error == ScardError.ServiceStopped ||
            Error == ScardError.CommError || Error == ScardError.InvalidHandle || Error == ScardError.Shutdown;
    }
}
