using System;
using System.IO;

namespace SmartCardPS
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
            OpenFlags f = Libc.Flags;
            int fd = Libc.open(path, f.NonBlock | f.CloseOnExec, 0);
            if (fd < 0)
            {
                int errno = Libc.Errno;
                if (errno == Libc.ENOENT) return null;
                throw UnixIo.Error(errno, "open", path);
            }
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
