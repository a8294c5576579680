using System;
using System.Runtime.InteropServices;

namespace SmartCardPS
{
    /// <summary>
    /// Whether a file is a shared library exporting C_GetFunctionList, checked with dlopen/dlsym only: the
    /// module is never initialised, so checking p11-kit-proxy does not start every p11-kit module (and OpenSC
    /// does not wait on readers). Firefox shows a module that fails this as a device that cannot be loaded.
    /// </summary>
    internal static class Pkcs11Export
    {
        /// <summary>Null when the library exports C_GetFunctionList (or on Windows, where this is not checked); else why not.</summary>
        public static string Problem(string library)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return null;
            const int RTLD_LAZY = 1, RTLD_LOCAL = 0;
            bool linux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
            // Binds dlerror now: binding it after a failed dlopen would look it up with dlsym, which clears the message.
            if (linux) Linux.Error(); else Mac.dlerror();
            IntPtr handle = linux ? Linux.Open(library, RTLD_LAZY | RTLD_LOCAL) : Mac.dlopen(library, RTLD_LAZY | RTLD_LOCAL);
            if (handle == IntPtr.Zero)
            {
                IntPtr error = linux ? Linux.Error() : Mac.dlerror();
                return "is not a loadable shared library (" + (error == IntPtr.Zero ? "dlopen failed" : Marshal.PtrToStringAnsi(error)) + ")";
            }
            try
            {
                IntPtr symbol = linux ? Linux.Symbol(handle, "C_GetFunctionList") : Mac.dlsym(handle, "C_GetFunctionList");
                return symbol == IntPtr.Zero ? "does not export C_GetFunctionList, so it is not a PKCS#11 module" : null;
            }
            finally
            {
                if (linux) Linux.Close(handle); else Mac.dlclose(handle);
            }
        }

        /// <summary>glibc 2.34+ has dl* in libc.so.6; older glibc only in libdl.so.2.</summary>
        private static class Linux
        {
            public static IntPtr Open(string path, int flags)
            {
                try { return Libc.dlopen(path, flags); }
                catch (EntryPointNotFoundException) { return Libdl.dlopen(path, flags); }
            }

            public static IntPtr Symbol(IntPtr handle, string name)
            {
                try { return Libc.dlsym(handle, name); }
                catch (EntryPointNotFoundException) { return Libdl.dlsym(handle, name); }
            }

            public static IntPtr Error()
            {
                try { return Libc.dlerror(); }
                catch (EntryPointNotFoundException) { return Libdl.dlerror(); }
            }

            public static void Close(IntPtr handle)
            {
                try { Libc.dlclose(handle); }
                catch (EntryPointNotFoundException) { Libdl.dlclose(handle); }
            }

            private static class Libc
            {
                [DllImport("libc.so.6")] internal static extern IntPtr dlopen(string path, int flags);
                [DllImport("libc.so.6")] internal static extern IntPtr dlsym(IntPtr handle, string name);
                [DllImport("libc.so.6")] internal static extern IntPtr dlerror();
                [DllImport("libc.so.6")] internal static extern int dlclose(IntPtr handle);
            }

            private static class Libdl
            {
                [DllImport("libdl.so.2")] internal static extern IntPtr dlopen(string path, int flags);
                [DllImport("libdl.so.2")] internal static extern IntPtr dlsym(IntPtr handle, string name);
                [DllImport("libdl.so.2")] internal static extern IntPtr dlerror();
                [DllImport("libdl.so.2")] internal static extern int dlclose(IntPtr handle);
            }
        }

        private static class Mac
        {
            [DllImport("libSystem.B.dylib")] internal static extern IntPtr dlopen(string path, int flags);
            [DllImport("libSystem.B.dylib")] internal static extern IntPtr dlsym(IntPtr handle, string name);
            [DllImport("libSystem.B.dylib")] internal static extern IntPtr dlerror();
            [DllImport("libSystem.B.dylib")] internal static extern int dlclose(IntPtr handle);
        }
    }
}
