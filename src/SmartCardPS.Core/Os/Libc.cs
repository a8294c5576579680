using System;
using System.Runtime.InteropServices;

namespace SmartCardPS.Os
{
    /// <summary>
    /// The one table of libc calls (the dynamic loader's are in <see cref="Dl"/>). Mostly the descriptor-relative calls that safe writes over other users' directories need (openat with
    /// O_NOFOLLOW, fchown, fchmod, renameat, flock, the xattr family), which netstandard2.0 has no API for.
    /// "libc" is libc.so.6 on Linux (the runtime maps the name) and libSystem on macOS. Flag values differ per
    /// platform and, on Linux, per architecture: <see cref="Flags"/> holds the right set.
    /// </summary>
    internal static class Libc
    {
        public const int EINTR = 4, ENOENT = 2, EACCES = 13, EPERM = 1, EEXIST = 17, ENOTDIR = 20, EWOULDBLOCK_LINUX = 11, EWOULDBLOCK_MAC = 35;
        public const int LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
        public const int S_IFMT = 0xF000, S_IFREG = 0x8000, S_IFDIR = 0x4000, S_IFLNK = 0xA000, S_IFIFO = 0x1000, S_IFCHR = 0x2000, S_IFBLK = 0x6000, S_IFSOCK = 0xC000;

        public static bool IsLinux => RunningOs.IsLinux;

        /// <summary>open(2) flags and *at(2) values of this platform.</summary>
        public static readonly OpenFlags Flags = OpenFlags.ForThisPlatform();

        public static int Errno => Marshal.GetLastWin32Error();

        public static bool WouldBlock(int errno) => errno == (IsLinux ? EWOULDBLOCK_LINUX : EWOULDBLOCK_MAC);

        [DllImport("libc", SetLastError = true)] public static extern int open(string path, int flags, int mode);
        [DllImport("libc", SetLastError = true)] private static extern int openat(int dirfd, string path, int flags, int mode);
        [DllImport("libc", SetLastError = true, EntryPoint = "openat")]
        private static extern int openatStacked(int dirfd, string path, int flags, IntPtr r3, IntPtr r4, IntPtr r5, IntPtr r6, IntPtr r7, int mode);

        /// <summary>
        /// openat(2). Its mode is a variadic argument: Apple arm64 passes those on the stack, after the eight register
        /// slots, so there the mode follows five padding arguments.
        /// </summary>
        public static int OpenAt(int dirfd, string path, int flags, int mode) =>
            RunningOs.IsMacOS && RuntimeInformation.ProcessArchitecture == Architecture.Arm64
                ? openatStacked(dirfd, path, flags, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, mode)
                : openat(dirfd, path, flags, mode);
        [DllImport("libc", SetLastError = true)] private static extern int fcntl(int fd, int cmd, IntPtr arg);
        [DllImport("libc", SetLastError = true, EntryPoint = "fcntl")]
        private static extern int fcntlStacked(int fd, int cmd, IntPtr r2, IntPtr r3, IntPtr r4, IntPtr r5, IntPtr r6, IntPtr r7, IntPtr arg);

        /// <summary>fcntl(2) with a pointer argument, which is variadic: on Apple arm64 it goes after six padding slots, as OpenAt's mode.</summary>
        public static int Fcntl(int fd, int cmd, IntPtr arg) =>
            RunningOs.IsMacOS && RuntimeInformation.ProcessArchitecture == Architecture.Arm64
                ? fcntlStacked(fd, cmd, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, arg)
                : fcntl(fd, cmd, arg);
        [DllImport("libc", SetLastError = true)] public static extern int close(int fd);
        // Only whether it returns an entry is used: the static buffer it points to is never read.
        [DllImport("libc", SetLastError = true)] public static extern IntPtr getgrnam(string name);
        [DllImport("libc", SetLastError = true)] public static extern IntPtr read(int fd, byte[] buffer, IntPtr count);
        [DllImport("libc", SetLastError = true)] public static extern IntPtr write(int fd, byte[] buffer, IntPtr count);
        [DllImport("libc", SetLastError = true)] public static extern int fsync(int fd);
        [DllImport("libc", SetLastError = true)] public static extern int fchown(int fd, int owner, int group);
        [DllImport("libc", SetLastError = true)] public static extern int fchmod(int fd, int mode);
        [DllImport("libc", SetLastError = true)] public static extern int mkdirat(int dirfd, string path, int mode);
        [DllImport("libc", SetLastError = true)] public static extern int renameat(int olddirfd, string oldpath, int newdirfd, string newpath);
        [DllImport("libc", SetLastError = true)] public static extern int unlinkat(int dirfd, string path, int flags);
        [DllImport("libc", SetLastError = true)] public static extern IntPtr readlinkat(int dirfd, string path, byte[] buffer, IntPtr size);
        [DllImport("libc", SetLastError = true)] public static extern int flock(int fd, int operation);
        [DllImport("libc")] public static extern uint geteuid();
        [DllImport("libc")] public static extern IntPtr realpath(string path, IntPtr resolved);
        [DllImport("libc")] public static extern void free(IntPtr pointer);

        /// <summary>Linux only: the stat of a name relative to a directory descriptor (or of the descriptor itself with AT_EMPTY_PATH).</summary>
        [DllImport("libc", SetLastError = true)] public static extern int statx(int dirfd, string path, int flags, uint mask, byte[] buffer);

        /// <summary>macOS: struct stat of a name relative to a directory descriptor.</summary>
        [DllImport("libc", SetLastError = true)] public static extern int fstatat(int dirfd, string path, byte[] buffer, int flags);
        [DllImport("libc", SetLastError = true)] public static extern int fstat(int fd, byte[] buffer);
        [DllImport("libc", SetLastError = true, EntryPoint = "fstatat$INODE64")] public static extern int fstatat64(int dirfd, string path, byte[] buffer, int flags);
        [DllImport("libc", SetLastError = true, EntryPoint = "fstat$INODE64")] public static extern int fstat64(int fd, byte[] buffer);

        // Sockets: the kernel's sock_diag netlink query (UnixSocketDiag).
        [DllImport("libc", SetLastError = true)] public static extern int socket(int domain, int type, int protocol);
        [DllImport("libc", SetLastError = true)] public static extern IntPtr sendto(int fd, byte[] buffer, IntPtr length, int flags, byte[] address, int addressLength);
        [DllImport("libc", SetLastError = true)] public static extern IntPtr recv(int fd, byte[] buffer, IntPtr length, int flags);

        // Linux xattrs: ACLs (system.posix_acl_access) and SELinux labels (security.selinux) live here.
        [DllImport("libc", SetLastError = true)] public static extern IntPtr flistxattr(int fd, byte[] list, IntPtr size);
        [DllImport("libc", SetLastError = true)] public static extern IntPtr fgetxattr(int fd, string name, byte[] value, IntPtr size);
        [DllImport("libc", SetLastError = true)] public static extern int fsetxattr(int fd, string name, byte[] value, IntPtr size, int flags);
    }

    /// <summary>open(2) and *at(2) constants, which are not the same on Linux x64, Linux arm64 and macOS.</summary>
    internal sealed class OpenFlags
    {
        public int ReadOnly, WriteOnly, Create, Exclusive, NoFollow, Directory, NonBlock, CloseOnExec;
        public int AtFdCwd, AtSymlinkNoFollow, AtRemoveDir, AtEmptyPath;

        public static OpenFlags ForThisPlatform()
        {
            if (RunningOs.IsMacOS)
            {
                return new OpenFlags
                {
                    WriteOnly = 0x1, Create = 0x200, Exclusive = 0x800, NoFollow = 0x100, Directory = 0x100000, NonBlock = 0x4, CloseOnExec = 0x1000000,
                    AtFdCwd = -2, AtSymlinkNoFollow = 0x20, AtRemoveDir = 0x80,
                };
            }
            // asm-generic (arm64) and x86 differ in O_DIRECTORY and O_NOFOLLOW only.
            bool arm = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 || RuntimeInformation.ProcessArchitecture == Architecture.Arm;
            return new OpenFlags
            {
                WriteOnly = 0x1, Create = 0x40, Exclusive = 0x80, NonBlock = 0x800, CloseOnExec = 0x80000,
                NoFollow = arm ? 0x8000 : 0x20000, Directory = arm ? 0x4000 : 0x10000,
                AtFdCwd = -100, AtSymlinkNoFollow = 0x100, AtRemoveDir = 0x200, AtEmptyPath = 0x1000,
            };
        }
    }
}
