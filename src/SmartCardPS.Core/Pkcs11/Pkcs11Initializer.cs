using System;
using Net.Pkcs11Interop.Common;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// Our own C_Initialize, before Pkcs11Interop's: its high-level library swallows CKR_CRYPTOKI_ALREADY_INITIALIZED
    /// and cannot retry without CKF_OS_LOCKING_OK, and we need both answers: whether someone else in this process
    /// initialized the module (then we must not finalize it), and whether it refuses OS locking (then we serialise
    /// our calls). Pkcs11Interop has one low-level layer per CK_ULONG size and struct packing.
    /// </summary>
    internal static class Pkcs11Initializer
    {
        /// <summary>The outcome of initializing the module at <paramref name="path"/>; <paramref name="keepLoaded"/> holds it loaded.</summary>
        public static CKR Initialize(string path, bool osLocking, out IDisposable keepLoaded)
        {
            bool packed = Platform.StructPackingSize == 1;
            if (Platform.NativeULongSize == 4)
            {
                if (packed)
                {
                    var lib41 = new Net.Pkcs11Interop.LowLevelAPI41.Pkcs11Library(path);
                    keepLoaded = lib41;
                    return lib41.C_Initialize(osLocking ? new Net.Pkcs11Interop.LowLevelAPI41.CK_C_INITIALIZE_ARGS { Flags = CKF.CKF_OS_LOCKING_OK } : null);
                }
                var lib40 = new Net.Pkcs11Interop.LowLevelAPI40.Pkcs11Library(path);
                keepLoaded = lib40;
                return lib40.C_Initialize(osLocking ? new Net.Pkcs11Interop.LowLevelAPI40.CK_C_INITIALIZE_ARGS { Flags = CKF.CKF_OS_LOCKING_OK } : null);
            }
            if (packed)
            {
                var lib81 = new Net.Pkcs11Interop.LowLevelAPI81.Pkcs11Library(path);
                keepLoaded = lib81;
                return lib81.C_Initialize(osLocking ? new Net.Pkcs11Interop.LowLevelAPI81.CK_C_INITIALIZE_ARGS { Flags = CKF.CKF_OS_LOCKING_OK } : null);
            }
            var lib80 = new Net.Pkcs11Interop.LowLevelAPI80.Pkcs11Library(path);
            keepLoaded = lib80;
            return lib80.C_Initialize(osLocking ? new Net.Pkcs11Interop.LowLevelAPI80.CK_C_INITIALIZE_ARGS { Flags = CKF.CKF_OS_LOCKING_OK } : null);
        }
    }
}
