using System;
using SmartCardPS.Interop;
using SmartCardPS.Pcsc;

namespace SmartCardPS.Tests.Support
{
    /// <summary>
    /// The real PC/SC library, except that a wait the service's end cut short comes back as pcsc-lite answers it on a
    /// loaded machine when pcscd is killed: SCARD_W_SECURITY_VIOLATION instead of a service error. That race is
    /// rare; this makes it happen every time.
    /// </summary>
    internal sealed class OddWaitAnswerApi : ForwardingPcscApi
    {
        public OddWaitAnswerApi(IPcscApi api) : base(api) { }

        public override ScardError GetStatusChange(IntPtr context, uint timeoutMs, ReaderStateRecord[] states)
        {
            ScardError rc = Api.GetStatusChange(context, timeoutMs, states);
            return new PcscException(rc, "SCardGetStatusChange").IsServiceUnavailable ? ScardError.SecurityViolation : rc;
        }
    }
}
