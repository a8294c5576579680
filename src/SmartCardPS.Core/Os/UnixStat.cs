using System;
using System.Runtime.InteropServices;

namespace SmartCardPS.Os
{
    /// <summary>
    /// What a safe write needs to know of a file or directory, read relative to a directory descriptor without
    /// following a final symbolic link (or of an open descriptor itself), so that the answer is about the object
    /// that is then used, not about whatever a path names a moment later.
    /// </summary>
    internal struct UnixStat
    {
        public int Uid, Gid, Mode, Links;
        public ulong Inode, Device;
        public long Size;

        public int Type => Mode & Libc.S_IFMT;
        public bool IsRegular => Type == Libc.S_IFREG;
        public bool IsDirectory => Type == Libc.S_IFDIR;
        public bool IsSymbolicLink => Type == Libc.S_IFLNK;
        public int Permissions => Mode & 0xFFF;

        /// <summary>
        /// The members of the file's group can change it: write permission for the group, except on a directory with
        /// the sticky bit (/tmp), where each user can only rename or remove their own entries.
        /// </summary>
        public bool GroupMayChange => (Permissions & 0x10) != 0 && !IsStickyDirectory;

        /// <summary>Every user can change it: write permission for others, except on a sticky directory.</summary>
        public bool OthersMayChange => (Permissions & 0x2) != 0 && !IsStickyDirectory;

        private bool IsStickyDirectory => IsDirectory && (Permissions & 0x200) != 0;

        /// <summary>The same file as <paramref name="other"/> (device and inode).</summary>
        public bool SameFile(UnixStat other) => Inode == other.Inode && Device == other.Device;

        /// <summary>What kind of file this is, for messages: "a FIFO", "a character device", …</summary>
        public string Kind
        {
            get
            {
                switch (Type)
                {
                    case Libc.S_IFREG: return "a regular file";
                    case Libc.S_IFDIR: return "a directory";
                    case Libc.S_IFLNK: return "a symbolic link";
                    case Libc.S_IFIFO: return "a FIFO";
                    case Libc.S_IFCHR: return "a character device";
                    case Libc.S_IFBLK: return "a block device";
                    case Libc.S_IFSOCK: return "a socket";
                    default: return "a special file";
                }
            }
        }

        /// <summary>lstat of <paramref name="name"/> in directory <paramref name="dirFd"/>; false with errno when it fails.</summary>
        public static bool TryAt(int dirFd, string name, out UnixStat stat, out int errno) =>
            Read(dirFd, name, Libc.Flags.AtSymlinkNoFollow, out stat, out errno);

        /// <summary>stat of a path, following links (what a loader or a reader of the path reaches); false with errno when it fails.</summary>
        public static bool TryPath(string path, out UnixStat stat, out int errno) => Read(Libc.Flags.AtFdCwd, path, 0, out stat, out errno);

        /// <summary>fstat of an open descriptor.</summary>
        public static UnixStat Of(int fd)
        {
            if (!Read(fd, null, 0, out UnixStat stat, out int errno)) throw UnixIo.Error(errno, "fstat", null);
            return stat;
        }

        private static bool Read(int fd, string name, int flags, out UnixStat stat, out int errno)
        {
            stat = default(UnixStat);
            errno = 0;
            var buffer = new byte[256];
            int rc;
            if (Libc.IsLinux)
            {
                // statx layout is the same on every Linux architecture.
                rc = name == null ? Libc.statx(fd, "", Libc.Flags.AtEmptyPath, 0x7ff, buffer) : Libc.statx(fd, name, flags, 0x7ff, buffer);
                if (rc != 0) { errno = Libc.Errno; return false; }
                stat.Links = BitConverter.ToInt32(buffer, 16);
                stat.Uid = BitConverter.ToInt32(buffer, 20);
                stat.Gid = BitConverter.ToInt32(buffer, 24);
                stat.Mode = BitConverter.ToUInt16(buffer, 28);
                stat.Inode = BitConverter.ToUInt64(buffer, 32);
                stat.Size = BitConverter.ToInt64(buffer, 40);
                stat.Device = ((ulong)BitConverter.ToUInt32(buffer, 136) << 32) | BitConverter.ToUInt32(buffer, 140);
                return true;
            }
            // macOS, 64-bit inode struct stat (arm64's only layout; x64's $INODE64 symbols).
            bool x64 = RuntimeInformation.ProcessArchitecture == Architecture.X64;
            if (name == null) rc = x64 ? Libc.fstat64(fd, buffer) : Libc.fstat(fd, buffer);
            else rc = x64 ? Libc.fstatat64(fd, name, buffer, flags) : Libc.fstatat(fd, name, buffer, flags);
            if (rc != 0) { errno = Libc.Errno; return false; }
            stat.Device = BitConverter.ToUInt32(buffer, 0);
            stat.Mode = BitConverter.ToUInt16(buffer, 4);
            stat.Links = BitConverter.ToUInt16(buffer, 6);
            stat.Inode = BitConverter.ToUInt64(buffer, 8);
            stat.Uid = BitConverter.ToInt32(buffer, 16);
            stat.Gid = BitConverter.ToInt32(buffer, 20);
            stat.Size = BitConverter.ToInt64(buffer, 96);
            return true;
        }
    }
}
