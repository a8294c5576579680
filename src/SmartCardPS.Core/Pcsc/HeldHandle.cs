using System;
using System.Runtime.InteropServices;
using SmartCardPS.Interop;

namespace SmartCardPS.Pcsc
{
    internal static class HeldHandle
    {
        /// <summary>Holds <paramref name="handle"/> for the length of one native call, so a Dispose on another thread waits for it.</summary>
        public static ScardError Call(SafeHandle handle, Func<IntPtr, ScardError> call)
        {
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                return call(handle.DangerousGetHandle());
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }
    }
}
