using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using SmartCardPS.Text;

namespace SmartCardPS.Os
{
    /// <summary>
    /// An open directory reached from / one name at a time, never through a symbolic link that another user could
    /// have placed: each step is openat(O_NOFOLLOW), and a link is followed only where every directory above it and
    /// the link itself belong to root or to this user and no one else can write there (sudoedit's rule, and the
    /// kernel's protected_symlinks). Everything done with <see cref="Fd"/> afterwards acts on this directory even if
    /// its path is renamed or replaced meanwhile.
    /// </summary>
    internal sealed class UnixDirectory : IDisposable
    {
        private const int MaxLinks = 40; // as the kernel's ELOOP limit
        private int fd;

        private UnixDirectory(int fd, string path, bool trusted, UnixStat stat, List<string> created)
        {
            this.fd = fd;
            Path = path;
            Trusted = trusted;
            Stat = stat;
            Created = created;
        }

        public int Fd => fd;

        /// <summary>The directory's absolute path with the links that were followed resolved.</summary>
        public string Path { get; }

        /// <summary>No user other than root and this one can change what this path names (every directory on it is safe).</summary>
        public bool Trusted { get; }

        public UnixStat Stat { get; }

        /// <summary>The directories this open created, outermost first.</summary>
        public IReadOnlyList<string> Created { get; }

        private static int Euid => (int)Libc.geteuid();

        /// <summary>
        /// A directory no one but root or this user can write (or one with the sticky bit, where no one can rename
        /// or remove another's entries), owned by root or this user.
        /// </summary>
        public static bool IsSafe(UnixStat stat)
        {
            return IsTrustedOwner(stat.Uid) && !stat.GroupMayChange && !stat.OthersMayChange;
        }

        /// <summary>A link (or a file in a directory) whose owner is root or this user.</summary>
        public static bool IsTrustedOwner(int uid) => uid == 0 || uid == Euid;

        /// <summary>
        /// Opens <paramref name="fullPath"/>; with <paramref name="create"/>, missing directories are made (0755 once
        /// complete). Throws <see cref="UnsafePathException"/> for a link it must not follow.
        /// </summary>
        public static UnixDirectory Open(string fullPath, bool create, int directoryMode = 0x1ED)
        {
            var created = new List<string>();
            try
            {
                return Walk(fullPath, create, directoryMode, created);
            }
            catch
            {
                RemoveCreated(created);
                throw;
            }
        }

        private static UnixDirectory Walk(string fullPath, bool create, int directoryMode, List<string> created)
        {
            OpenFlags f = Libc.Flags;
            int links = 0;
            restart:
            var parts = new Queue<string>(fullPath.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries));
            int current = Libc.open("/", f.Directory | f.CloseOnExec, 0);
            if (current < 0) throw UnixIo.Error(Libc.Errno, "open", "/");
            string walked = "/";
            UnixStat stat = UnixStat.Of(current);
            bool trusted = IsSafe(stat);
            try
            {
                while (parts.Count > 0)
                {
                    string name = parts.Dequeue();
                    if (name == ".") continue;
                    string next = walked == "/" ? "/" + name : walked + "/" + name;
                    if (!UnixStat.TryAt(current, name, out UnixStat entry, out int errno))
                    {
                        if (errno != Libc.ENOENT || !create) throw UnixIo.Error(errno, "stat", next);
                        if (Libc.mkdirat(current, name, 0x1C0) != 0 && Libc.Errno != Libc.EEXIST) throw UnixIo.Error(Libc.Errno, "mkdir", next); // 0700 until done
                        else created.Add(next);
                        AtomicFile.FaultPoint.Value?.Invoke("directory", next);
                        if (!UnixStat.TryAt(current, name, out entry, out errno) || !entry.IsDirectory)
                            throw Replaced(next);
                    }
                    if (entry.IsSymbolicLink)
                    {
                        if (!trusted || !IsTrustedOwner(entry.Uid))
                            throw new UnsafePathException(UnsafePathReason.SymbolicLink, next,
                                $"{UntrustedText.Quote(next)} is a symbolic link that user {entry.Uid} could have placed or can change, so it is not followed. Name the real directory.");
                        if (++links > MaxLinks) throw new IOException($"Too many symbolic links in {UntrustedText.Quote(fullPath)}.");
                        string target = ReadLink(current, name, next);
                        string rest = string.Join("/", parts);
                        string resolved = target.StartsWith("/", StringComparison.Ordinal) ? target : walked + "/" + target;
                        fullPath = System.IO.Path.GetFullPath(rest.Length == 0 ? resolved : resolved + "/" + rest);
                        UnixIo.Close(ref current);
                        goto restart;
                    }
                    if (!entry.IsDirectory) throw new IOException($"{UntrustedText.Quote(next)} is {entry.Kind}, not a directory.");
                    int child = Libc.OpenAt(current, name, f.Directory | f.NoFollow | f.CloseOnExec, 0);
                    if (child < 0)
                    {
                        int e = Libc.Errno;
                        // It was a directory a moment ago: removed, or swapped for a link or a file, since the stat.
                        if (e == 40 /* ELOOP */ || e == 62 /* macOS ELOOP */ || e == Libc.ENOENT || e == Libc.ENOTDIR)
                            throw Replaced(next);
                        throw UnixIo.Error(e, "open", next);
                    }
                    UnixIo.Close(ref current);
                    current = child;
                    stat = UnixStat.Of(current);
                    if (created.Contains(next))
                    {
                        if (Libc.fchmod(current, directoryMode) != 0) throw UnixIo.Error(Libc.Errno, "chmod", next);
                        stat = UnixStat.Of(current);
                    }
                    trusted = trusted && IsSafe(stat);
                    walked = next;
                }
                var result = new UnixDirectory(current, walked, trusted, stat, created);
                current = -1;
                return result;
            }
            finally
            {
                UnixIo.Close(ref current);
            }
        }

        /// <summary>Another user removed or swapped a directory between two steps of the walk.</summary>
        internal static UnsafePathException Replaced(string path) =>
            new UnsafePathException(UnsafePathReason.SymbolicLink, path, $"{UntrustedText.Quote(path)} was removed or replaced by another user while it was opened; nothing was changed.");

        /// <summary>The target of link <paramref name="name"/> in a directory, as stored.</summary>
        public static string ReadLink(int dirFd, string name, string path)
        {
            var buffer = new byte[4096];
            long n = (long)Libc.readlinkat(dirFd, name, buffer, (IntPtr)buffer.Length);
            if (n < 0) throw UnixIo.Error(Libc.Errno, "readlink", path);
            return System.Text.Encoding.UTF8.GetString(buffer, 0, (int)n);
        }

        /// <summary>
        /// Takes this directory's advisory lock (flock on the directory itself, so no lock file is left in a user's
        /// directory): read-modify-write cycles of SmartCardPS writers in one directory run one at a time.
        /// </summary>
        public void Lock(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Libc.flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) != 0)
            {
                int errno = Libc.Errno;
                if (errno == Libc.EINTR) continue;
                if (!Libc.WouldBlock(errno)) throw UnixIo.Error(errno, "flock", Path);
                if (DateTime.UtcNow > deadline)
                    throw new UnsafePathException(UnsafePathReason.Locked, Path,
                        $"Another program has held the lock on {UntrustedText.Quote(Path)} for {timeout.TotalSeconds:0} s; nothing was changed. Try again when it is done.");
                Thread.Sleep(10);
            }
        }

        /// <summary>Removes the directories an open created (when a write fails), innermost first; only empty ones go.</summary>
        public static void RemoveCreated(IReadOnlyList<string> created)
        {
            foreach (string dir in created.Reverse())
            {
                Libc.unlinkat(Libc.Flags.AtFdCwd, dir, Libc.Flags.AtRemoveDir);
            }
        }

        public void Dispose() => UnixIo.Close(ref fd);
    }
}
