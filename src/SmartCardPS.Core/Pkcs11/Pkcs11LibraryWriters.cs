using System;
using System.IO;
using System.Linq;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// Who besides root can change a library: loading it runs its code, so as root a file that another user can
    /// write, or replace through a directory above it that they own or can write, would run that user's code as root
    /// (the rule sudoedit and p11-kit's own user-config rule follow). A directory with the sticky bit (/tmp) lets
    /// users add files but not replace root's.
    /// </summary>
    internal static class Pkcs11LibraryWriters
    {
        /// <summary>Null when only root can change <paramref name="library"/>; else who else can, naming the file or directory.</summary>
        public static string Problem(string library)
        {
            string full = Path.GetFullPath(library);
            // The path as given and where its links lead: a link is only as safe as the directories on both sides.
            foreach (string path in new[] { full, UnixFile.RealPath(full) }.Distinct(StringComparer.Ordinal))
            {
                string problem = Writer(path, directory: false);
                for (string dir = Path.GetDirectoryName(path); problem == null && !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
                {
                    problem = Writer(dir, directory: true);
                }
                if (problem != null) return problem;
            }
            return null;
        }

        private static string Writer(string path, bool directory)
        {
            string what = directory ? "a directory above it" : "the library";
            if (!UnixStat.TryPath(path, out UnixStat stat, out _))
                return $"the owner of {UntrustedText.Quote(path)} ({what}) cannot be read";
            string octal = Convert.ToString(stat.Permissions, 8);
            // Unlike a directory SmartCardPS writes in (UnixDirectory.IsSafe), a library's owner must be root itself:
            // loading it as root runs the code of whoever can change it.
            if (stat.Uid != 0) return $"uid {stat.Uid} owns {UntrustedText.Quote(path)} ({what}) and can change it";
            if (stat.OthersMayChange) return $"every user can write {UntrustedText.Quote(path)} ({what}, mode {octal})";
            if (stat.GroupMayChange) return $"the members of group {stat.Gid} can write {UntrustedText.Quote(path)} ({what}, mode {octal})";
            return null;
        }
    }
}
