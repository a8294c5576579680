using System;
using System.IO;

namespace SmartCardPS.Pkcs11
{
    /// <summary>File names compared the way the platform's file system does: by case on Unix, without it on Windows.</summary>
    internal static class PathComparison
    {
        private static StringComparison Comparison => UnixFile.IsUnix ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

        /// <summary>Whether two paths name the same file or directory once made absolute (a trailing separator aside).</summary>
        public static bool Same(string a, string b) =>
            string.Equals(Path.GetFullPath(a).TrimEnd('/', '\\'), Path.GetFullPath(b).TrimEnd('/', '\\'), Comparison);

        /// <summary>Whether two paths reach the same file, through symbolic links too (/usr/lib/softhsm/libsofthsm2.so on Debian).</summary>
        public static bool SameFile(string a, string b) => Same(a, b) || Same(UnixFile.RealPath(Path.GetFullPath(a)), UnixFile.RealPath(Path.GetFullPath(b)));

        /// <summary>Whether <paramref name="file"/> lies directly in <paramref name="directory"/>.</summary>
        public static bool IsDirectlyIn(string file, string directory)
        {
            string parent = Path.GetDirectoryName(Path.GetFullPath(file));
            return parent != null && Same(parent, directory);
        }
    }
}
