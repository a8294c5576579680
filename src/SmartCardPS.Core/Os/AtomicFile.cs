using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using SmartCardPS.Text;

namespace SmartCardPS.Os
{
    /// <summary>
    /// The one way this module writes a file (configs, udev rules, NSS databases, policies, exported certificates):
    /// read, edit and replace under a lock, so concurrent writers never lose an update; the content goes to a new
    /// temporary file in the same directory, which is then renamed over the target. A reader sees the old file or
    /// the new one, never a part; a failure leaves the old file as it was, no temporary file and no directory this
    /// write created. On Linux and macOS every step acts on descriptors reached without following another user's
    /// links (<see cref="UnixDirectory"/>), so root writing into a user's directory cannot be turned onto another file.
    /// </summary>
    internal static partial class AtomicFile
    {
        public const int DefaultMode = 0x1A4; // 0644
        private const int DirectoryMode = 0x1ED; // 0755

        /// <summary>No file this module reads back before editing it is anywhere near this large.</summary>
        public const long MaxSize = 16L * 1024 * 1024;

        /// <summary>How long a writer waits for another writer of the same directory (or file, on Windows).</summary>
        public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

        /// <summary>
        /// Test seam for fault injection: called with a stage ("directory": a missing directory was just made, with its
        /// path; "partial": half the bytes are in the temporary file; "written": all of them, mode and owner set, before
        /// the rename) and the temporary file's path. A test throws here, or waits to let a racing process act.
        /// Set per flow of execution, so a test faults its own writes only, never those of tests running beside it.
        /// </summary>
        internal static readonly AsyncLocal<Action<string, string>> FaultPoint = new AsyncLocal<Action<string, string>>();

        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        /// <summary>Text as UTF-8 without a byte order mark; see <see cref="Write"/>.</summary>
        public static void WriteText(string path, string content, NewFile newFile) => Write(path, Utf8.GetBytes(content), newFile);

        /// <summary>
        /// Writes <paramref name="content"/> to <paramref name="path"/>. A replaced file keeps its mode (never its
        /// set-id bits), owner, ACL and SELinux label; a new one is made as <paramref name="newFile"/> says.
        /// </summary>
        public static void Write(string path, byte[] content, NewFile newFile) => Update(path, newFile, null, _ => content);

        /// <summary>
        /// Read-modify-write under the directory's lock: <paramref name="edit"/> gets the current content (null when
        /// there is no file) and returns the new content, or null to leave the file as it is. Refuses (with
        /// <see cref="UnsafePathException"/>) a target that is a link another user controls, not a regular file, or
        /// read-only without <see cref="NewFile.Force"/>, and, as root, a directory another user can write without it.
        /// </summary>
        public static void Update(string path, NewFile newFile, Func<byte[], byte[]> edit) => Update(path, newFile, edit, null);

        // Exactly one of edit (read-modify-write) and replace (the old content is not read) is given.
        private static void Update(string path, NewFile newFile, Func<byte[], byte[]> edit, Func<byte[], byte[]> replace)
        {
            string full = Path.GetFullPath(path);
            if (string.IsNullOrEmpty(Path.GetFileName(full))) throw new ArgumentException($"{UntrustedText.Quote(path)} names a directory, not a file.");
            if (UnixFile.IsUnix) UpdateUnix(full, newFile, edit ?? replace, edit != null);
            else UpdateWindows(full, newFile, edit ?? replace, edit != null);
        }

        /// <summary>
        /// Removes a file (a link is removed itself, never what it points to) under its directory's lock; as root, in
        /// a directory another user can write only with <paramref name="force"/>. A missing file is no error.
        /// </summary>
        public static void Delete(string path, bool force = false)
        {
            string full = Path.GetFullPath(path);
            if (UnixFile.IsUnix) DeleteUnix(full, force);
            else File.Delete(full);
        }

        private static void Fault(string stage, string temp) => FaultPoint.Value?.Invoke(stage, temp);

        private static string TempName(string fileName) => "." + fileName + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";

        private static Exception ReadOnly(string path, int mode) =>
            new UnsafePathException(UnsafePathReason.ReadOnly, path,
                $"{UntrustedText.Quote(path)} is read-only (mode {Convert.ToString(mode & 0x1FF, 8).PadLeft(4, '0')}); nothing was changed. Make it writable, or use -Force to replace it.");

        // Windows has no owners or modes to keep here; a named mutex serialises writers of one file across processes.
        private static void UpdateWindows(string full, NewFile newFile, Func<byte[], byte[]> edit, bool readOld)
        {
            string dir = Path.GetDirectoryName(full);
            using (var mutex = new Mutex(false, @"Local\SmartCardPS.Os.AtomicFile." + Hash(full.ToUpperInvariant())))
            {
                bool owned;
                try { owned = mutex.WaitOne(LockTimeout); }
                catch (AbandonedMutexException) { owned = true; }
                if (!owned) throw new UnsafePathException(UnsafePathReason.Locked, full, $"Another program has held the lock on {UntrustedText.Quote(full)} for {LockTimeout.TotalSeconds:0} s; nothing was changed.");
                try
                {
                    if (File.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReadOnly) != 0 && !newFile.Force) throw ReadOnly(full, 0x124);
                    byte[] old = readOld ? SafeFile.ReadBytes(full) : null;
                    byte[] content = edit(old);
                    if (content == null) return;
                    var created = new System.Collections.Generic.List<string>();
                    for (string d = dir; d != null && !Directory.Exists(d) && newFile.CreateDirectories; d = Path.GetDirectoryName(d)) created.Insert(0, d);
                    string temp = Path.Combine(dir, TempName(Path.GetFileName(full)));
                    try
                    {
                        foreach (string d in created) Directory.CreateDirectory(d);
                        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                        {
                            stream.Write(content, 0, content.Length / 2);
                            Fault("partial", temp);
                            stream.Write(content, content.Length / 2, content.Length - content.Length / 2);
                            stream.Flush(true);
                        }
                        Fault("written", temp);
                        if (File.Exists(full)) File.Replace(temp, full, null);
                        else File.Move(temp, full);
                    }
                    catch
                    {
                        try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                        for (int i = created.Count - 1; i >= 0; i--)
                        {
                            try { Directory.Delete(created[i]); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                        }
                        throw;
                    }
                }
                finally
                {
                    mutex.ReleaseMutex();
                }
            }
        }

        private static string Hash(string text)
        {
            using (var sha = SHA256.Create())
            {
                return BitConverter.ToString(sha.ComputeHash(Encoding.UTF8.GetBytes(text))).Replace("-", "").Substring(0, 32);
            }
        }
    }

    /// <summary>How <see cref="AtomicFile"/> makes a file that does not exist yet, and what it may replace.</summary>
    internal struct NewFile
    {
        /// <summary>The mode bits, set exactly (the umask does not apply); null gives 0666 less the umask.</summary>
        public int? Mode;

        /// <summary>Creates missing directories (0755), removed again when the write fails.</summary>
        public bool CreateDirectories;

        /// <summary>When root, gives the file its directory's owner.</summary>
        public bool OwnerFromDirectory;

        /// <summary>
        /// The cmdlet's -Force: replaces a read-only file, and lets root write into a directory that another user can
        /// write (the write is as safe; the refusal only makes the admin say so, as sudoedit does).
        /// </summary>
        public bool Force;

        /// <summary>A file the user names (an export): the umask decides its mode, and its directory must exist.</summary>
        public static NewFile UserFile => default(NewFile);

        /// <summary>A configuration file: 0644, in directories made as needed.</summary>
        public static NewFile Config => new NewFile { Mode = AtomicFile.DefaultMode, CreateDirectories = true };

        /// <summary>This value with <see cref="Force"/> set as given.</summary>
        public NewFile WithForce(bool force)
        {
            NewFile copy = this;
            copy.Force = force;
            return copy;
        }
    }
}
