using System;
using System.IO;
using System.Text;
using SmartCardPS.Text;

namespace SmartCardPS.Os
{
    internal static partial class AtomicFile
    {
        private const int MaxLinks = 40;

        private static void UpdateUnix(string full, NewFile newFile, Func<byte[], byte[]> edit, bool readOld)
        {
            for (int links = 0; ; links++)
            {
                if (links > MaxLinks) throw new IOException($"Too many symbolic links in {UntrustedText.Quote(full)}.");
                string next = UpdateIn(full, newFile, edit, readOld);
                if (next == null) return;
                full = next;
            }
        }

        /// <summary>One attempt; returns the path a trusted link points to when the target is one, else null when done.</summary>
        private static string UpdateIn(string full, NewFile newFile, Func<byte[], byte[]> edit, bool readOld)
        {
            string name = Path.GetFileName(full);
            OpenFlags f = Libc.Flags;
            using (UnixDirectory dir = UnixDirectory.Open(Path.GetDirectoryName(full), newFile.CreateDirectories, DirectoryMode))
            {
                string target = dir.Path == "/" ? "/" + name : dir.Path + "/" + name;
                int oldFd = -1;
                try
                {
                    RefuseUntrusted(dir, newFile.Force);
                    dir.Lock(LockTimeout);
                    byte[] old = null;
                    UnixStat oldStat = default(UnixStat);
                    if (UnixStat.TryAt(dir.Fd, name, out UnixStat entry, out int errno))
                    {
                        if (entry.IsSymbolicLink)
                        {
                            if (!dir.Trusted || !UnixDirectory.IsTrustedOwner(entry.Uid))
                                throw new UnsafePathException(UnsafePathReason.SymbolicLink, target,
                                    $"{UntrustedText.Quote(target)} is a symbolic link that user {entry.Uid} could have placed or can change; SmartCardPS does not write through it, and nothing was changed. Remove the link, or name the file it points to.");
                            return Path.GetFullPath(Path.Combine(dir.Path, UnixDirectory.ReadLink(dir.Fd, name, target)));
                        }
                        if (!entry.IsRegular)
                            throw new UnsafePathException(UnsafePathReason.NotRegularFile, target, $"{UntrustedText.Quote(target)} is {entry.Kind}, not a regular file; it was left alone.");
                        if (entry.Links > 1 && !dir.Trusted)
                            throw new UnsafePathException(UnsafePathReason.HardLink, target,
                                $"{UntrustedText.Quote(target)} has {entry.Links} hard links in a directory another user can write, so it may be another file's name; it was left alone. Remove it, or copy it to a file of its own.");
                        if ((entry.Permissions & 0x80) == 0 && !newFile.Force) throw ReadOnly(target, entry.Permissions);
                        oldFd = Libc.OpenAt(dir.Fd, name, f.NoFollow | f.NonBlock | f.CloseOnExec, 0);
                        if (oldFd < 0) throw UnixIo.Error(Libc.Errno, "open", target);
                        oldStat = UnixStat.Of(oldFd);
                        if (!oldStat.IsRegular || !oldStat.SameFile(entry))
                            throw new UnsafePathException(UnsafePathReason.NotRegularFile, target, $"{UntrustedText.Quote(target)} was replaced while it was read; nothing was changed.");
                        if (readOld) old = UnixIo.ReadAll(oldFd, MaxSize, target);
                    }
                    else if (errno != Libc.ENOENT)
                    {
                        throw UnixIo.Error(errno, "stat", target);
                    }
                    byte[] content = edit(old);
                    if (content == null) return null;
                    int uid = -1, gid = -1, mode;
                    if (oldFd >= 0)
                    {
                        uid = oldStat.Uid;
                        gid = oldStat.Gid;
                        mode = oldStat.Permissions & 0x1FF; // never a set-id or sticky bit
                    }
                    else
                    {
                        // Only root may give a file away: an admin writing into a user's profile leaves it the user's.
                        if (newFile.OwnerFromDirectory && UnixFile.IsRoot()) { uid = dir.Stat.Uid; gid = dir.Stat.Gid; }
                        mode = newFile.Mode ?? (0x1B6 & ~Umask());
                    }
                    WriteNew(dir, name, content, uid, gid, mode & 0x1FF, oldFd);
                    return null;
                }
                catch
                {
                    UnixDirectory.RemoveCreated(dir.Created);
                    throw;
                }
                finally
                {
                    UnixIo.Close(ref oldFd);
                }
            }
        }

        private static void DeleteUnix(string full, bool force)
        {
            string name = Path.GetFileName(full);
            using (UnixDirectory dir = UnixDirectory.Open(Path.GetDirectoryName(full), create: false))
            {
                RefuseUntrusted(dir, force);
                dir.Lock(LockTimeout);
                if (Libc.unlinkat(dir.Fd, name, 0) != 0 && Libc.Errno != Libc.ENOENT) throw UnixIo.Error(Libc.Errno, "remove", full);
                SyncDirectory(dir);
            }
        }

        private static void RefuseUntrusted(UnixDirectory dir, bool force)
        {
            if (UnixFile.IsRoot() && !dir.Trusted && !force)
                throw new UnsafePathException(UnsafePathReason.UntrustedDirectory, dir.Path,
                    $"{UntrustedText.Quote(dir.Path)} (or a directory above it) can be written by a user other than root, who could swap files while root writes there, so nothing was changed. " +
                    "Run the command as that user, or add -Force: the file is then written without following any link and keeps its owner.");
        }

        // The temporary file is created 0600 with O_EXCL|O_NOFOLLOW, so no one else can open it or have put a link
        // there; owner and mode are set on the descriptor, never by a path someone could swap.
        private static void WriteNew(UnixDirectory dir, string name, byte[] content, int uid, int gid, int mode, int oldFd)
        {
            OpenFlags f = Libc.Flags;
            string temp = TempName(name);
            string tempPath = Path.Combine(dir.Path, temp);
            int fd = Libc.OpenAt(dir.Fd, temp, f.WriteOnly | f.Create | f.Exclusive | f.NoFollow | f.CloseOnExec, 0x180);
            if (fd < 0)
            {
                int errno = Libc.Errno;
                // ENOENT in an open directory: its owner removed it meanwhile.
                throw errno == Libc.ENOENT ? UnixDirectory.Replaced(dir.Path) : UnixIo.Error(errno, "create", tempPath);
            }
            try
            {
                UnixIo.WriteAll(fd, content, 0, content.Length / 2, tempPath);
                Fault("partial", tempPath);
                UnixIo.WriteAll(fd, content, content.Length / 2, content.Length - content.Length / 2, tempPath);
                // chown first: it may clear set-id bits (there are none to keep) and the chmod comes after it.
                if (uid >= 0 && Libc.fchown(fd, uid, gid) != 0 && UnixFile.IsRoot()) throw UnixIo.Error(Libc.Errno, "chown", tempPath);
                if (Libc.fchmod(fd, mode) != 0) throw UnixIo.Error(Libc.Errno, "chmod", tempPath);
                if (oldFd >= 0) CopyExtendedAttributes(oldFd, fd);
                Fault("written", tempPath);
                if (Libc.fsync(fd) != 0) throw UnixIo.Error(Libc.Errno, "fsync", tempPath);
                UnixStat written = UnixStat.Of(fd);
                int closing = fd;
                fd = -1;
                if (Libc.close(closing) != 0) throw UnixIo.Error(Libc.Errno, "close", tempPath);
                // The directory's owner can rename anything over the temporary name: what is renamed into place must
                // be our file, and what stands there after the rename too, or the write did not happen.
                if (!IsFile(dir.Fd, temp, written)) throw ReplacedWhileWritten(dir.Path, name);
                if (Libc.renameat(dir.Fd, temp, dir.Fd, name) != 0) throw UnixIo.Error(Libc.Errno, "rename", tempPath);
                if (!IsFile(dir.Fd, name, written)) throw ReplacedWhileWritten(dir.Path, name);
                SyncDirectory(dir);
            }
            catch
            {
                UnixIo.Close(ref fd);
                Libc.unlinkat(dir.Fd, temp, 0);
                throw;
            }
        }

        // A rename or an unlink is durable only once the directory holding the name is on disk too.
        private static void SyncDirectory(UnixDirectory dir) => Libc.fsync(dir.Fd);

        private static bool IsFile(int dirFd, string name, UnixStat file) =>
            UnixStat.TryAt(dirFd, name, out UnixStat now, out _) && now.IsRegular && now.SameFile(file);

        private static Exception ReplacedWhileWritten(string dir, string name) =>
            new UnsafePathException(UnsafePathReason.SymbolicLink, dir + "/" + name,
                $"{UntrustedText.Quote(dir + "/" + name)} was replaced by another user while SmartCardPS wrote it, so what is there now is not what was written. Nothing else was touched; check the directory's owner.");

        // ACLs (system.posix_acl_access) and the SELinux label (security.selinux) are extended attributes: copied so
        // a rewrite keeps who may read the file and how it is labelled. What the file system or this user may not set is left.
        private static void CopyExtendedAttributes(int from, int to)
        {
            if (!Libc.IsLinux) return;
            var names = new byte[65536];
            long size = (long)Libc.flistxattr(from, names, (IntPtr)names.Length);
            if (size <= 0) return;
            var value = new byte[65536];
            foreach (string attribute in Encoding.UTF8.GetString(names, 0, (int)size).Split(new[] { '\0' }, StringSplitOptions.RemoveEmptyEntries))
            {
                long length = (long)Libc.fgetxattr(from, attribute, value, (IntPtr)value.Length);
                if (length >= 0) Libc.fsetxattr(to, attribute, value, (IntPtr)length, 0);
            }
        }

        // umask(2) can only be read by setting it, which races other threads: Linux shows it in /proc.
        private static int Umask()
        {
            try
            {
                foreach (string line in File.ReadAllLines("/proc/self/status"))
                {
                    if (line.StartsWith("Umask:", StringComparison.Ordinal)) return Convert.ToInt32(line.Substring(6).Trim(), 8);
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            return 0x12; // 022
        }
    }
}
