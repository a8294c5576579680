using System;
using System.IO;
using System.Runtime.InteropServices;
using SmartCardPS.Os;

namespace SmartCardPS.Nss
{
    /// <summary>
    /// Whether a Firefox holds a profile. On Linux and macOS Firefox takes an fcntl write lock on .parentlock
    /// and the kernel drops it when the process ends, so asking for the conflicting lock (F_GETLK) is exact;
    /// the `lock` symlink is left behind by a clean exit and says nothing. On Windows Firefox keeps
    /// parent.lock open without sharing.
    /// </summary>
    internal static class ProfileLock
    {
        /// <summary>The pid holding the lock (0 when the platform does not say), or -1 when nothing holds it.</summary>
        public static int Holder(string profileDirectory)
        {
            if (RunningOs.IsWindows) return WindowsHolder(Path.Combine(profileDirectory, "parent.lock"));
            string file = Path.Combine(profileDirectory, ".parentlock");
            if (!File.Exists(file)) return -1;
            return RunningOs.IsLinux ? LinuxHolder(file) : MacHolder(file);
        }

        private static int WindowsHolder(string file)
        {
            if (!File.Exists(file)) return -1;
            try
            {
                using (new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete)) { }
                return -1;
            }
            catch (IOException)
            {
                return 0;
            }
            catch (UnauthorizedAccessException)
            {
                return -1;
            }
        }

        // struct flock on Linux x86_64/arm64: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid.
        private static int LinuxHolder(string file)
        {
            const int F_GETLK = 5, F_WRLCK = 1, F_UNLCK = 2;
            int fd = Libc.open(file, Libc.Flags.NonBlock | Libc.Flags.CloseOnExec, 0); // a FIFO planted as .parentlock must not block the open
            if (fd < 0) return -1;
            IntPtr flock = Marshal.AllocHGlobal(32);
            try
            {
                for (int i = 0; i < 32; i++) Marshal.WriteByte(flock, i, 0);
                Marshal.WriteInt16(flock, 0, F_WRLCK);
                if (Libc.Fcntl(fd, F_GETLK, flock) != 0) return -1;
                return Marshal.ReadInt16(flock, 0) == F_UNLCK ? -1 : Marshal.ReadInt32(flock, 24);
            }
            finally
            {
                Marshal.FreeHGlobal(flock);
                Libc.close(fd);
            }
        }

        // struct flock on macOS: off_t l_start, off_t l_len, pid_t l_pid, short l_type, short l_whence.
        private static int MacHolder(string file)
        {
            const int F_GETLK = 7, F_WRLCK = 3, F_UNLCK = 2;
            int fd = Libc.open(file, Libc.Flags.NonBlock | Libc.Flags.CloseOnExec, 0);
            if (fd < 0) return -1;
            IntPtr flock = Marshal.AllocHGlobal(24);
            try
            {
                for (int i = 0; i < 24; i++) Marshal.WriteByte(flock, i, 0);
                Marshal.WriteInt16(flock, 20, F_WRLCK);
                if (Libc.Fcntl(fd, F_GETLK, flock) != 0) return -1;
                return Marshal.ReadInt16(flock, 20) == F_UNLCK ? -1 : Marshal.ReadInt32(flock, 16);
            }
            finally
            {
                Marshal.FreeHGlobal(flock);
                Libc.close(fd);
            }
        }
    }
}
