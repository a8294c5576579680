using System;
using System.Runtime.InteropServices;
using SmartCardPS.Interop;

namespace SmartCardPS.Pcsc
{
    /// <summary>
    /// An SCARDHANDLE that disconnects itself with the disposition chosen last. It holds its context handle
    /// (DangerousAddRef) for as long as it lives, so the context is never released under a connected card,
    /// whichever finalizer runs first.
    /// </summary>
    internal sealed class ScardCardHandle : SafeHandle
    {
        private readonly IPcscApi api;
        private readonly ScardContextHandle context;
        private readonly bool holdsContext;

        public ScardCardHandle(IPcscApi api, ScardContextHandle context, IntPtr card) : base(IntPtr.Zero, ownsHandle: true)
        {
            this.api = api;
            this.context = context;
            context.DangerousAddRef(ref holdsContext);
            SetHandle(card);
        }

        public SmartCardDisposition Disposition { get; set; } = SmartCardDisposition.Leave;

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            try
            {
                // Removed or reset cards still need the handle freed; the code only says what happened to the card.
                api.Disconnect(handle, Disposition);
                return true;
            }
            finally
            {
                if (holdsContext) context.DangerousRelease();
            }
        }
    }
}
