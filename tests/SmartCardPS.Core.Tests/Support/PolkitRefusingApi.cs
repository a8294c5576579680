using System;
using SmartCardPS.Interop;

namespace SmartCardPS.Tests.Support
{
    /// <summary>
    /// The real PC/SC library answering as a pcscd built with polkit answers a user polkit refuses: Debian's pcscd
    /// has no polkit, so the refusal cannot come from the service here. <see cref="RefuseContext"/> refuses
    /// access_pcsc (SCardEstablishContext); otherwise access_card (SCardConnect) is refused, after a real context.
    /// </summary>
    internal sealed class PolkitRefusingApi : ForwardingPcscApi
    {
        private readonly ScardError answer;

        public PolkitRefusingApi(IPcscApi api, ScardError answer = ScardError.SecurityViolation) : base(api) => this.answer = answer;

        public bool RefuseContext { get; set; }

        public override ScardError EstablishContext(ScardScope scope, out IntPtr context)
        {
            if (!RefuseContext) return Api.EstablishContext(scope, out context);
            context = IntPtr.Zero;
            return answer;
        }

        public override ScardError Connect(IntPtr context, string reader, SmartCardShareMode share, SmartCardProtocol preferred, out IntPtr card, out SmartCardProtocol active)
        {
            card = IntPtr.Zero;
            active = SmartCardProtocol.None;
            return answer;
        }
    }
}
