using System.IO;
using System.Runtime.InteropServices;
using System;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Nss
{
    /// <summary>
    /// Replaces a Firefox/NSS file atomically: a temporary file in the same directory, given the old file's
    /// mode and (when we are root, e.g. an admin fixing a user's profile) its owner, then renamed over it.
    /// A reader sees the old file or the new one, never a part; a failure leaves the old file and no temporary.
    /// </summary>
    internal static class NssFileWriter
    {
        public static void WriteAtomic(string path, byte[] content, int newFileMode)
        {
            string full = Path.GetFullPath(path);
            string dir = Path.GetDirectoryName(full);
            UnixStat.Info? old = File.Exists(full) ? UnixStat.Get(full) : null;
            string temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                    stream.Write(content, 0, content.Length);
                    stream.Flush(true);
                }
                UnixFile.SetMode(temp, old?.Mode ?? newFileMode);
                UnixStat.Info? parent = old ?? UnixStat.Get(dir);
                if (parent.HasValue && UnixFile.IsRoot()) UnixStat.Chown(temp, parent.Value.Uid, parent.Value.Gid);
                if (File.Exists(full)) File.Replace(temp, full, null);
                else File.Move(temp, full);
            }
            catch
            {
                try { File.Delete(temp); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
                throw;
            }
        }
    }

    /// <summary>stat(2)'s mode and owner, which netstandard2.0 has no API for; null where the layout is unknown.</summary>
    internal static class UnixStat
    {
        public struct Info
        {
            public int Mode;
            public uint Uid;
            public uint Gid;
        }

        public static Info? Get(string path)
        {
            if (!UnixFile.IsUnix) return null;
            int modeAt, uidAt, gidAt;
            bool shortMode = false;
            bool linux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
            Architecture arch = RuntimeInformation.ProcessArchitecture;
            if (linux && arch == Architecture.X64) { modeAt = 24; uidAt = 28; gidAt = 32; }
            else if (linux && arch == Architecture.Arm64) { modeAt = 16; uidAt = 24; gidAt = 28; }
            else if (!linux && arch == Architecture.Arm64) { modeAt = 4; uidAt = 16; gidAt = 20; shortMode = true; }
            else if (!linux && arch == Architecture.X64) { modeAt = 8; uidAt = 12; gidAt = 16; shortMode = true; }
            else return null;

            IntPtr buf = Marshal.AllocHGlobal(512);
            try
            {
                int rc;
                if (linux)
                {
                    try { rc = Glibc.stat(path, buf); }
                    catch (EntryPointNotFoundException) { rc = Glibc.__xstat(1, path, buf); }
                }
                else rc = LibSystem.stat(path, buf);
                if (rc != 0) return null;
                int mode = shortMode ? (ushort)Marshal.ReadInt16(buf, modeAt) : Marshal.ReadInt32(buf, modeAt);
                return new Info { Mode = mode & 0xFFF, Uid = (uint)Marshal.ReadInt32(buf, uidAt), Gid = (uint)Marshal.ReadInt32(buf, gidAt) };
            }
            finally
            {
                Marshal.FreeHGlobal(buf);
            }
        }

        /// <summary>The path with every symlink resolved (realpath), or the full path where that fails or on Windows.</summary>
        public static string RealPath(string path)
        {
            string full = Path.GetFullPath(path);
            if (!UnixFile.IsUnix) return full;
            bool linux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
            IntPtr resolved = linux ? Glibc.realpath(full, IntPtr.Zero) : LibSystem.realpath(full, IntPtr.Zero);
            if (resolved == IntPtr.Zero) return full;
            try
            {
                return Marshal.PtrToStringAnsi(resolved);
            }
            finally
            {
                if (linux) Glibc.free(resolved); else LibSystem.free(resolved);
            }
        }

        public static void Chown(string path, uint uid, uint gid)
        {
            int rc = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? Glibc.chown(path, uid, gid) : LibSystem.chown(path, uid, gid);
            if (rc != 0) throw new IOException($"chown {uid}:{gid} {UntrustedText.Quote(path)} failed (errno {Marshal.GetLastWin32Error()}).");
        }

        private static class Glibc
        {
            [DllImport("libc.so.6", SetLastError = true)] internal static extern int stat(string path, IntPtr buf);
            [DllImport("libc.so.6", SetLastError = true)] internal static extern int __xstat(int ver, string path, IntPtr buf);
            [DllImport("libc.so.6", SetLastError = true)] internal static extern int chown(string path, uint uid, uint gid);
            [DllImport("libc.so.6")] internal static extern IntPtr realpath(string path, IntPtr resolved);
            [DllImport("libc.so.6")] internal static extern void free(IntPtr p);
        }

        private static class LibSystem
        {
            [DllImport("libc", SetLastError = true)] internal static extern int stat(string path, IntPtr buf);
            [DllImport("libc", SetLastError = true)] internal static extern int chown(string path, uint uid, uint gid);
            [DllImport("libc")] internal static extern IntPtr realpath(string path, IntPtr resolved);
            [DllImport("libc")] internal static extern void free(IntPtr p);
        }
    }
}
