using System;
using System.IO;

namespace SmartCardPS.Os
{
    /// <summary>File names compared the way the platform's file system does: by case on Unix, without it on Windows.</summary>
    internal static class PathComparison
    {
        private static StringComparison Comparison => UnixFile.IsUnix ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

        /// <summary>Compares <see cref="Canonical"/> paths as the platform's file system does.</summary>
        public static StringComparer Comparer => UnixFile.IsUnix ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

        /// <summary>
        /// One name for the file however it is spelled: absolute, without '.', '..' or repeated separators, and on Unix with
        /// every symbolic link resolved (realpath). On Windows the full path, to be compared without case.
        /// </summary>
        public static string Canonical(string path) => UnixFile.RealPath(Path.GetFullPath(path));

        /// <summary>
        /// The absolute spelling of a path without a trailing separator (as Tab completes a directory), links left as they
        /// are; paths equal under <see cref="Comparer"/> in this form are <see cref="Same"/>.
        /// </summary>
        public static string Absolute(string path)
        {
            string full = Path.GetFullPath(path);
            string trimmed = full.TrimEnd('/', '\\');
            // The root stays itself: "/" and "C:\" trimmed would name nothing or the drive's current directory.
            return trimmed.Length == 0 || trimmed.EndsWith(":", StringComparison.Ordinal) ? full : trimmed;
        }

        /// <summary>Whether two paths name the same file or directory once made absolute (a trailing separator aside).</summary>
        public static bool Same(string a, string b) => string.Equals(Absolute(a), Absolute(b), Comparison);

        /// <summary>Whether two paths reach the same file, through symbolic links too (/usr/lib/softhsm/libsofthsm2.so on Debian).</summary>
        public static bool SameFile(string a, string b) => Same(a, b) || Same(Canonical(a), Canonical(b));

        /// <summary>Whether <paramref name="file"/> lies directly in <paramref name="directory"/>.</summary>
        public static bool IsDirectlyIn(string file, string directory)
        {
            string parent = Path.GetDirectoryName(Path.GetFullPath(file));
            return parent != null && Same(parent, directory);
        }
    }
}
