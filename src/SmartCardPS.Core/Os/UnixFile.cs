using System;
using System.Runtime.InteropServices;

namespace SmartCardPS.Os
{
    /// <summary>Links, canonical paths and the effective user, which netstandard2.0 has no API for (through <see cref="Libc"/>).</summary>
    internal static class UnixFile
    {
        public static bool IsUnix => !RunningOs.IsWindows;

        /// <summary>A symbolic link's target as stored, or null when the path is not a link.</summary>
        public static string ReadLink(string path)
        {
            if (!IsUnix) return null;
            var buffer = new byte[4096];
            long n = (long)Libc.readlinkat(Libc.Flags.AtFdCwd, path, buffer, (IntPtr)buffer.Length);
            return n <= 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, (int)n);
        }

        /// <summary>The path with every symbolic link resolved (realpath(3)); the path itself on Windows or when it cannot be resolved.</summary>
        public static string RealPath(string path)
        {
            if (!IsUnix) return path;
            try
            {
                IntPtr resolved = Libc.realpath(path, IntPtr.Zero);
                if (resolved == IntPtr.Zero) return path;
                try
                {
                    return Marshal.PtrToStringAnsi(resolved);
                }
                finally
                {
                    Libc.free(resolved);
                }
            }
            catch (DllNotFoundException)
            {
                return path;
            }
        }

        /// <summary>Whether this process runs as root (effective uid 0).</summary>
        public static bool IsRoot()
        {
            if (!IsUnix) return false;
            try
            {
                return Libc.geteuid() == 0;
            }
            catch (DllNotFoundException)
            {
                return false;
            }
        }
    }
}
