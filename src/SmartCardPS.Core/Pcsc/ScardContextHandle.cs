using System;
using System.Runtime.InteropServices;
using SmartCardPS.Interop;

namespace SmartCardPS.Pcsc
{
    /// <summary>An SCARDCONTEXT that releases itself.</summary>
    internal sealed class ScardContextHandle : SafeHandle
    {
        private readonly IPcscApi api;

        public ScardContextHandle(IPcscApi api, IntPtr context) : base(IntPtr.Zero, ownsHandle: true)
        {
            this.api = api;
            SetHandle(context);
        }

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle() => api.ReleaseContext(handle) == ScardError.Success;
    }
}
