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
        private const int GroupWrite = 0x10, OtherWrite = 0x2, Sticky = 0x200;

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
            int uid = stat.Uid, gid = stat.Gid, mode = stat.Permissions;
            bool sticky = directory && (mode & Sticky) != 0;
            string octal = Convert.ToString(mode & 0xFFF, 8);
            if (uid != 0) return $"uid {uid} owns {UntrustedText.Quote(path)} ({what}) and can change it";
            if ((mode & OtherWrite) != 0 && !sticky) return $"every user can write {UntrustedText.Quote(path)} ({what}, mode {octal})";
            if ((mode & GroupWrite) != 0 && !sticky) return $"the members of group {gid} can write {UntrustedText.Quote(path)} ({what}, mode {octal})";
            return null;
        }
    }
}
