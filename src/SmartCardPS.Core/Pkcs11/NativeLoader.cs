using System;
using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.HighLevelAPI;
using SmartCardPS.Os;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// Pkcs11Interop imports dlopen from "libdl", a name that only exists as a development symlink
    /// (libc6-dev) on current glibc systems, so it is mapped to the runtime library here. The core targets
    /// netstandard2.0, where NativeLibrary is not visible, so the hook is wired by reflection; .NET Framework
    /// (Windows only) needs no hook.
    /// </summary>
    internal static class NativeLoader
    {
        private static readonly object Gate = new object();
        private static volatile bool hooked;
        private static readonly string[] DlCandidates = { "libdl.so.2", "libc.so.6", "libdl.so", "/usr/lib/libSystem.B.dylib" };
        private static MethodInfo tryLoad;

        public static void EnsureHooked()
        {
            if (hooked) return;
            lock (Gate)
            {
                if (hooked) return;
                // Set only once the resolver is in place: another thread must not load Pkcs11Interop before it.
                try
                {
                    Hook();
                }
                finally
                {
                    hooked = true;
                }
            }
        }

        private static void Hook()
        {
            if (RunningOs.IsWindows) return;
            Assembly coreLib = typeof(object).Assembly;
            Type nativeLibrary = coreLib.GetType("System.Runtime.InteropServices.NativeLibrary");
            Type resolverType = coreLib.GetType("System.Runtime.InteropServices.DllImportResolver");
            if (nativeLibrary == null || resolverType == null) return;
            tryLoad = nativeLibrary.GetMethod("TryLoad", new[] { typeof(string), typeof(IntPtr).MakeByRefType() });
            MethodInfo set = nativeLibrary.GetMethod("SetDllImportResolver", new[] { typeof(Assembly), resolverType });
            var resolver = Delegate.CreateDelegate(resolverType, typeof(NativeLoader).GetMethod(nameof(Resolve), BindingFlags.NonPublic | BindingFlags.Static));
            try
            {
                set.Invoke(null, new object[] { typeof(Pkcs11InteropFactories).Assembly, resolver });
            }
            catch (TargetInvocationException ex) when (ex.InnerException is InvalidOperationException)
            {
                // Another component in this process already maps Pkcs11Interop's imports.
            }
        }

        private static IntPtr Resolve(string libraryName, Assembly _, DllImportSearchPath? __)
        {
            if (libraryName != "libdl" || tryLoad == null) return IntPtr.Zero;
            foreach (string candidate in DlCandidates)
            {
                var args = new object[] { candidate, IntPtr.Zero };
                if ((bool)tryLoad.Invoke(null, args)) return (IntPtr)args[1];
            }
            return IntPtr.Zero;
        }

        /// <summary>
        /// The dynamic loader's own message for a library it refuses. Pkcs11Interop sometimes reports only
        /// "Unable to load library", and the reason (e.g. "invalid ELF header") is what a user needs.
        /// </summary>
        public static string LoaderMessage(string path)
        {
            if (RunningOs.IsWindows) return null;
            try
            {
                return Probe(path);
            }
            catch (DllNotFoundException)
            {
                return null;
            }
            catch (EntryPointNotFoundException)
            {
                return null;
            }
        }

        private static string Probe(string path)
        {
            // The first call binds dlerror, and binding goes through dlsym, which would clear dlopen's message.
            Dl.Error();
            IntPtr handle = Dl.Open(path, Dl.RtldNow);
            if (handle != IntPtr.Zero)
            {
                Dl.Close(handle);
                return null;
            }
            IntPtr message = Dl.Error();
            return message == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(message);
        }
    }
}
