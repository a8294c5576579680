using System;
using System.IO;
using SmartCardPS.Text;

namespace SmartCardPS.Os
{
    /// <summary>
    /// Reads a file that someone else may have made: only a regular file, opened without blocking (a FIFO named
    /// like a config would otherwise hang the read) and read up to a cap (a link to /dev/zero would otherwise be
    /// read until memory runs out). Links are followed, as the programs that read these files follow them.
    /// </summary>
    internal static class SafeFile
    {
        /// <summary>Whether <paramref name="path"/> exists (as anything, a dangling link included).</summary>
        public static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || UnixFile.ReadLink(path) != null;

        /// <summary>The file's bytes, or null when there is no such file; refuses special files and files over <paramref name="cap"/>.</summary>
        public static byte[] ReadBytes(string path, long cap = AtomicFile.MaxSize)
        {
            if (!UnixFile.IsUnix)
            {
                if (!File.Exists(path)) return null;
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                {
                    if (stream.Length > cap) throw TooLarge(path, cap);
                    var content = new byte[stream.Length];
                    int read = 0;
                    while (read < content.Length) read += stream.Read(content, read, content.Length - read);
                    return content;
                }
            }
            int fd = UnixFile.IsRoot() ? OpenAsRoot(path) : Open(Libc.Flags.AtFdCwd, path, path, 0);
            if (fd < 0) return null;
            try
            {
                UnixStat stat = UnixStat.Of(fd);
                if (!stat.IsRegular) throw new UnsafePathException(UnsafePathReason.NotRegularFile, path, $"{UntrustedText.Quote(path)} is {stat.Kind}, not a regular file; it was not read.");
                if (stat.Size > cap) throw TooLarge(path, cap);
                return UnixIo.ReadAll(fd, cap, path);
            }
            finally
            {
                UnixIo.Close(ref fd);
            }
        }

        // Root reads a file in a directory that another user can write (a profile's pkcs11.txt) only if it is no link:
        // a link there to a root-only file would have root show that file's lines to the user.
        private static int OpenAsRoot(string path)
        {
            string full = Path.GetFullPath(path);
            UnixDirectory dir;
            try
            {
                dir = UnixDirectory.Open(Path.GetDirectoryName(full), create: false);
            }
            catch (FileNotFoundException)
            {
                return -1;
            }
            catch (DirectoryNotFoundException)
            {
                return -1;
            }
            using (dir)
            {
                string name = Path.GetFileName(full);
                if (!dir.Trusted && UnixStat.TryAt(dir.Fd, name, out UnixStat entry, out _) && entry.IsSymbolicLink)
                    throw new UnsafePathException(UnsafePathReason.SymbolicLink, full,
                        $"{UntrustedText.Quote(full)} is a symbolic link in a directory user {dir.Stat.Uid} can write; root does not read through it. Run the command as that user.");
                return Open(dir.Fd, name, full, dir.Trusted ? 0 : Libc.Flags.NoFollow);
            }
        }

        private static int Open(int dirFd, string name, string path, int extraFlags)
        {
            int fd = Libc.OpenAt(dirFd, name, Libc.Flags.NonBlock | Libc.Flags.CloseOnExec | extraFlags, 0);
            if (fd >= 0) return fd;
            int errno = Libc.Errno;
            if (errno == Libc.ENOENT) return -1;
            throw UnixIo.Error(errno, "open", path);
        }

        /// <summary>The file as UTF-8 text (a byte order mark dropped), or null when there is no such file.</summary>
        public static string ReadText(string path, long cap = AtomicFile.MaxSize)
        {
            byte[] content = ReadBytes(path, cap);
            return content == null ? null : Text(content);
        }

        /// <summary>Bytes as UTF-8 text without a leading byte order mark.</summary>
        public static string Text(byte[] content)
        {
            string text = new System.Text.UTF8Encoding(false).GetString(content);
            return text.Length > 0 && text[0] == '\uFEFF' ? text.Substring(1) : text;
        }

        internal static Exception TooLarge(string path, long cap) =>
            new UnsafePathException(UnsafePathReason.TooLarge, path, $"{UntrustedText.Quote(path)} is larger than {cap / (1024 * 1024)} MiB, too large for the file it should be; it was not read.");
    }
}
