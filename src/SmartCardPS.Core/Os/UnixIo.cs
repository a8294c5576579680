using System;
using System.IO;
using SmartCardPS.Text;

namespace SmartCardPS.Os
{
    /// <summary>errno as the exception .NET's own file APIs would throw, so callers map them as they already do.</summary>
    internal static class UnixIo
    {
        public static Exception Error(int errno, string call, string path)
        {
            string what = path == null ? call : $"{call} {UntrustedText.Quote(path)}";
            switch (errno)
            {
                case Libc.ENOENT: return new FileNotFoundException($"{what}: no such file or directory.", path);
                case Libc.ENOTDIR: return new DirectoryNotFoundException($"{what}: a part of the path is not a directory.");
                case Libc.EACCES:
                case Libc.EPERM: return new UnauthorizedAccessException($"{what}: permission denied.");
                default: return new IOException($"{what} failed (errno {errno}).", errno);
            }
        }

        /// <summary>Closes a descriptor, ignoring errors: used on paths that already fail or are done.</summary>
        public static void Close(ref int fd)
        {
            if (fd >= 0) Libc.close(fd);
            fd = -1;
        }

        /// <summary>Reads a whole regular file from an open descriptor, refusing more than <paramref name="cap"/> bytes.</summary>
        public static byte[] ReadAll(int fd, long cap, string path)
        {
            using (var buffer = new MemoryStream())
            {
                var chunk = new byte[65536];
                while (true)
                {
                    long n = (long)Libc.read(fd, chunk, (IntPtr)chunk.Length);
                    if (n < 0)
                    {
                        int errno = Libc.Errno;
                        if (errno == Libc.EINTR) continue;
                        throw Error(errno, "read", path);
                    }
                    if (n == 0) return buffer.ToArray();
                    if (buffer.Length + n > cap)
                        throw SafeFile.TooLarge(path, cap);
                    buffer.Write(chunk, 0, (int)n);
                }
            }
        }

        public static void WriteAll(int fd, byte[] content, int offset, int count, string path)
        {
            var chunk = new byte[Math.Min(Math.Max(count, 1), 65536)];
            while (count > 0)
            {
                int size = Math.Min(count, chunk.Length);
                Buffer.BlockCopy(content, offset, chunk, 0, size);
                long n = (long)Libc.write(fd, chunk, (IntPtr)size);
                if (n < 0)
                {
                    int errno = Libc.Errno;
                    if (errno == Libc.EINTR) continue;
                    throw Error(errno, "write", path);
                }
                offset += (int)n;
                count -= (int)n;
            }
        }
    }
}
