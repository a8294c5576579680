using System;

namespace SmartCardPS.Iso7816
{
    public sealed class ApduFormatException : Exception
    {
        public ApduFormatException(ApduFormatReason reason, string message) : base(message) => Reason = reason;
        public ApduFormatReason Reason { get; }
    }
}
