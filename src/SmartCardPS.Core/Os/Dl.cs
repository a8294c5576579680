using System;
using System.Runtime.InteropServices;

namespace SmartCardPS.Os
{
    /// <summary>
    /// The dynamic loader's calls (dlopen, dlerror, dlclose). They are apart from <see cref="Libc"/> because they do
    /// not live in libc everywhere: glibc before 2.34 has them in libdl.so.2 only, macOS in libSystem.
    /// </summary>
    internal static class Dl
    {
        public const int RtldNow = 2;

        private static bool IsMac => RunningOs.IsMacOS;

        public static IntPtr Open(string file, int mode) => IsMac ? Mac.dlopen(file, mode) : Glibc.dlopen(file, mode);

        public static IntPtr Error() => IsMac ? Mac.dlerror() : Glibc.dlerror();

        public static int Close(IntPtr handle) => IsMac ? Mac.dlclose(handle) : Glibc.dlclose(handle);

        private static class Glibc
        {
            [DllImport("libdl.so.2")] internal static extern IntPtr dlopen(string file, int mode);
            [DllImport("libdl.so.2")] internal static extern IntPtr dlerror();
            [DllImport("libdl.so.2")] internal static extern int dlclose(IntPtr handle);
        }

        private static class Mac
        {
            [DllImport("/usr/lib/libSystem.B.dylib")] internal static extern IntPtr dlopen(string file, int mode);
            [DllImport("/usr/lib/libSystem.B.dylib")] internal static extern IntPtr dlerror();
            [DllImport("/usr/lib/libSystem.B.dylib")] internal static extern int dlclose(IntPtr handle);
        }
    }
}
