using System;

namespace SmartCardPS.Nss
{
    /// <summary>An NSS command that cannot start: no database to work on, or no library Firefox could load. The message
    /// says what to do.</summary>
    public sealed class NssException : Exception
    {
        public NssException(NssFailure failure, string message, string target) : base(message)
        {
            Failure = failure;
            Target = target;
        }

        public NssFailure Failure { get; }

        /// <summary>The library path the failure is about; null when there is none.</summary>
        public string Target { get; }
    }
}
