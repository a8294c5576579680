using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;

namespace SmartCardPS.TestFixture
{
    /// <summary>
    /// Says that a scratch directory's run is alive: an owner.lock file locked (flock) for as long as the directory
    /// is in use. The kernel drops the lock when the process dies, SIGKILL included, so tests/tools/ns-run.sh removes
    /// the directories whose owner.lock nobody holds: those of runs killed outright, which ran no cleanup. The file is
    /// made and locked under another name and then renamed, so an owner.lock is never seen unlocked while its run lives.
    /// </summary>
    internal static class OwnerLock
    {
        private const int LockExclusive = 2;
        private const int LockNonBlocking = 4;

        public static FileStream Take(string directory)
        {
            string pending = Path.Combine(directory, "owner.lock.new");
            var stream = new FileStream(pending, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            // .NET locks a FileShare.None file itself, unless DOTNET_SYSTEM_IO_DISABLEFILELOCKING says not to: lock it here.
            if (flock(stream.SafeFileHandle.DangerousGetHandle().ToInt32(), LockExclusive | LockNonBlocking) != 0)
            {
                int error = Marshal.GetLastWin32Error();
                stream.Dispose();
                throw new IOException($"Cannot lock {pending}: {new Win32Exception(error).Message}");
            }
            File.Move(pending, Path.Combine(directory, "owner.lock"));
            return stream;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int flock(int fd, int operation);
    }
}
