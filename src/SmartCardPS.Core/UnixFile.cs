using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SmartCardPS
{
    /// <summary>Unix permission bits, owners, links and the effective user, which netstandard2.0 has no API for.</summary>
    internal static class UnixFile
    {
        public static bool IsUnix => !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>Sets the mode bits exactly (the umask does not apply); a no-op on Windows.</summary>
        public static void SetMode(string path, int mode)
        {
            if (!IsUnix) return;
            int rc = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? Glibc.chmod(path, mode) : LibSystem.chmod(path, mode);
            if (rc != 0) throw new IOException($"chmod {Convert.ToString(mode, 8)} {UntrustedText.Quote(path)} failed (errno {Marshal.GetLastWin32Error()}).");
        }

        /// <summary>A symbolic link's target as stored, or null when the path is not a link.</summary>
        public static string ReadLink(string path)
        {
            if (!IsUnix) return null;
            var buffer = new byte[4096];
            long n = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? (long)Glibc.readlink(path, buffer, (IntPtr)buffer.Length) : (long)LibSystem.readlink(path, buffer, (IntPtr)buffer.Length);
            return n <= 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, (int)n);
        }

        /// <summary>The path with every symbolic link resolved (realpath(3)); the path itself on Windows or when it cannot be resolved.</summary>
        public static string RealPath(string path)
        {
            if (!IsUnix) return path;
            try
            {
                IntPtr resolved = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? Glibc.realpath(path, IntPtr.Zero) : LibSystem.realpath(path, IntPtr.Zero);
                if (resolved == IntPtr.Zero) return path;
                try
                {
                    return Marshal.PtrToStringAnsi(resolved);
                }
                finally
                {
                    if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) Glibc.free(resolved); else LibSystem.free(resolved);
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
            if (File.Exists("/proc/self/status"))
            {
                // "Uid:\treal\teffective\tsaved\tfs"
                foreach (string line in File.ReadAllLines("/proc/self/status"))
                {
                    if (!line.StartsWith("Uid:", StringComparison.Ordinal)) continue;
                    string[] ids = line.Substring(4).Split(new[] { '\t', ' ' }, StringSplitOptions.RemoveEmptyEntries);
                    return ids.Length > 1 && ids[1] == "0";
                }
            }
            try
            {
                return LibSystem.geteuid() == 0;
            }
            catch (DllNotFoundException)
            {
                return false;
            }
        }

        /// <summary>
        /// The owner and mode bits of an existing file or directory, which netstandard2.0 has no API for: on Linux
        /// through statx, whose layout is the same on every architecture; on macOS through stat (x64 and arm64
        /// layouts). False on Windows and wherever they cannot be read.
        /// </summary>
        public static bool TryGetOwnerAndMode(string path, out int uid, out int gid, out int mode)
        {
            uid = gid = mode = 0;
            try
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                {
                    var buffer = new byte[256];
                    // AT_FDCWD, no flags, STATX_BASIC_STATS
                    if (Glibc.statx(-100, path, 0, 0x7ff, buffer) != 0) return false;
                    uid = BitConverter.ToInt32(buffer, 20);
                    gid = BitConverter.ToInt32(buffer, 24);
                    mode = BitConverter.ToUInt16(buffer, 28) & ModeBits;
                    return true;
                }
                if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return TryStatMac(path, out uid, out gid, out mode);
            }
            catch (EntryPointNotFoundException)
            {
            }
            catch (DllNotFoundException)
            {
            }
            return false;
        }

        private const int ModeBits = 0xFFF; // 07777

        // struct stat: arm64 has only the 64-bit inode layout; x64's plain "stat" symbol is the 32-bit inode one.
        private static bool TryStatMac(string path, out int uid, out int gid, out int mode)
        {
            uid = gid = mode = 0;
            int modeAt, uidAt, gidAt;
            Architecture arch = RuntimeInformation.ProcessArchitecture;
            if (arch == Architecture.Arm64) { modeAt = 4; uidAt = 16; gidAt = 20; }
            else if (arch == Architecture.X64) { modeAt = 8; uidAt = 12; gidAt = 16; }
            else return false;
            var buffer = new byte[512];
            if (LibSystem.stat(path, buffer) != 0) return false;
            mode = BitConverter.ToUInt16(buffer, modeAt) & ModeBits;
            uid = BitConverter.ToInt32(buffer, uidAt);
            gid = BitConverter.ToInt32(buffer, gidAt);
            return true;
        }

        /// <summary>Gives the file this owner; false when not allowed (only root may give a file away) and on Windows.</summary>
        public static bool TryChown(string path, int uid, int gid)
        {
            if (!IsUnix) return false;
            try
            {
                return (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? Glibc.chown(path, uid, gid) : LibSystem.chown(path, uid, gid)) == 0;
            }
            catch (DllNotFoundException)
            {
                return false;
            }
        }

        private static class Glibc
        {
            [DllImport("libc.so.6", SetLastError = true)] internal static extern int chmod(string path, int mode);
            [DllImport("libc.so.6", SetLastError = true)] internal static extern int chown(string path, int owner, int group);
            [DllImport("libc.so.6", SetLastError = true)] internal static extern int statx(int dirfd, string path, int flags, uint mask, byte[] statxbuf);
            [DllImport("libc.so.6", SetLastError = true)] internal static extern IntPtr readlink(string path, byte[] buffer, IntPtr size);
            [DllImport("libc.so.6")] internal static extern IntPtr realpath(string path, IntPtr resolved);
            [DllImport("libc.so.6")] internal static extern void free(IntPtr pointer);
        }

        private static class LibSystem
        {
            [DllImport("libc", SetLastError = true)] internal static extern int chmod(string path, int mode);
            [DllImport("libc", SetLastError = true)] internal static extern int chown(string path, int owner, int group);
            [DllImport("libc", SetLastError = true)] internal static extern int stat(string path, byte[] buffer);
            [DllImport("libc")] internal static extern uint geteuid();
            [DllImport("libc", SetLastError = true)] internal static extern IntPtr readlink(string path, byte[] buffer, IntPtr size);
            [DllImport("libc")] internal static extern IntPtr realpath(string path, IntPtr resolved);
            [DllImport("libc")] internal static extern void free(IntPtr pointer);
        }
    }
}
