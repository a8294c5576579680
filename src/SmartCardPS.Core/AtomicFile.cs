using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;

namespace SmartCardPS
{
    /// <summary>
    /// The one way this module writes a file (configs, udev rules, NSS databases, policies, exported certificates):
    /// the content goes to a temporary file in the same directory, which is then renamed over the target. A reader
    /// sees the old file or the new one, never a part; a failure leaves the old file as it was, no temporary file and
    /// no directory this write created.
    /// </summary>
    internal static class AtomicFile
    {
        public const int DefaultMode = 0x1A4; // 0644
        private const int DirectoryMode = 0x1ED; // 0755

        /// <summary>
        /// Test seam for fault injection: called with a stage ("partial": half the bytes are in the temporary file;
        /// "written": all of them, mode and owner set, before the rename) and the temporary file's path. A test throws here.
        /// Set per flow of execution, so a test faults its own writes only, never those of tests running beside it.
        /// </summary>
        internal static readonly AsyncLocal<Action<string, string>> FaultPoint = new AsyncLocal<Action<string, string>>();

        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        /// <summary>Text as UTF-8 without a byte order mark; see <see cref="Write"/>.</summary>
        public static void WriteText(string path, string content, NewFile newFile) => Write(path, Utf8.GetBytes(content), newFile);

        /// <summary>
        /// Writes <paramref name="content"/> to <paramref name="path"/>. A replaced file keeps its mode and, where this
        /// process may give it, its owner; a new one is made as <paramref name="newFile"/> says.
        /// </summary>
        public static void Write(string path, byte[] content, NewFile newFile)
        {
            string full = Path.GetFullPath(path);
            string dir = Path.GetDirectoryName(full);
            List<string> created = newFile.CreateDirectories ? CreateDirectories(dir) : new List<string>();
            string temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                    stream.Write(content, 0, content.Length / 2);
                    Fault("partial", temp);
                    stream.Write(content, content.Length / 2, content.Length - content.Length / 2);
                    stream.Flush(true);
                }
                if (UnixFile.TryGetOwnerAndMode(full, out int uid, out int gid, out int mode))
                {
                    // chown first: it may clear set-id bits that the chmod then restores.
                    UnixFile.TryChown(temp, uid, gid);
                    UnixFile.SetMode(temp, mode);
                }
                else
                {
                    // Only root may give a file away: an admin writing into a user's profile leaves it the user's.
                    if (newFile.OwnerFromDirectory && UnixFile.IsRoot() && UnixFile.TryGetOwnerAndMode(dir, out int dirUid, out int dirGid, out _))
                        UnixFile.TryChown(temp, dirUid, dirGid);
                    if (newFile.Mode.HasValue) UnixFile.SetMode(temp, newFile.Mode.Value);
                }
                Fault("written", temp);
                if (File.Exists(full)) File.Replace(temp, full, null);
                else MoveOrReplace(temp, full);
            }
            catch
            {
                TryDelete(temp);
                for (int i = created.Count - 1; i >= 0; i--) TryRemoveDirectory(created[i]);
                throw;
            }
        }

        private static void Fault(string stage, string temp) => FaultPoint.Value?.Invoke(stage, temp);

        // Another writer may create the target between the check and the move (which never overwrites): then this
        // one replaces what that one wrote, as if it had come second, instead of failing.
        private static void MoveOrReplace(string temp, string path)
        {
            try
            {
                File.Move(temp, path);
            }
            catch (IOException) when (File.Exists(path) && File.Exists(temp))
            {
                File.Replace(temp, path, null);
            }
        }

        private static List<string> CreateDirectories(string dir)
        {
            var missing = new List<string>();
            for (string d = dir; d != null && !Directory.Exists(d); d = Path.GetDirectoryName(d)) missing.Insert(0, d);
            var created = new List<string>();
            try
            {
                foreach (string d in missing)
                {
                    Directory.CreateDirectory(d);
                    created.Add(d);
                    UnixFile.SetMode(d, DirectoryMode);
                }
            }
            catch
            {
                for (int i = created.Count - 1; i >= 0; i--) TryRemoveDirectory(created[i]);
                throw;
            }
            return created;
        }

        private static void TryDelete(string file)
        {
            try { if (File.Exists(file)) File.Delete(file); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        private static void TryRemoveDirectory(string dir)
        {
            try { Directory.Delete(dir, recursive: false); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>How <see cref="AtomicFile"/> makes a file that does not exist yet.</summary>
    internal struct NewFile
    {
        /// <summary>The mode bits, set exactly (the umask does not apply); null leaves what the umask gives.</summary>
        public int? Mode;

        /// <summary>Creates missing directories (0755), removed again when the write fails.</summary>
        public bool CreateDirectories;

        /// <summary>When root, gives the file its directory's owner.</summary>
        public bool OwnerFromDirectory;

        /// <summary>A file the user names (an export): the umask decides its mode, and its directory must exist.</summary>
        public static NewFile UserFile => default(NewFile);

        /// <summary>A configuration file: 0644, in directories made as needed.</summary>
        public static NewFile Config => new NewFile { Mode = AtomicFile.DefaultMode, CreateDirectories = true };
    }
}
