using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// Writes and removes p11-kit module configs so that a reader never sees a half-written file: the
    /// content goes to a temporary file in the same directory, which is then renamed over the target.
    /// </summary>
    public static class Pkcs11ConfigWriter
    {
        public static string Render(string moduleSetting, int? priority, IReadOnlyCollection<string> enableIn, IReadOnlyCollection<string> disableIn,
            bool trustPolicy = false, bool critical = false)
        {
            var sb = new StringBuilder();
            sb.Append("# Written by SmartCardPS; see pkcs11.conf(5).\n");
            sb.Append("module: ").Append(moduleSetting).Append('\n');
            if (priority.HasValue) sb.Append("priority: ").Append(priority.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
            if (enableIn != null && enableIn.Count > 0) sb.Append("enable-in: ").Append(string.Join(", ", enableIn)).Append('\n');
            if (disableIn != null && disableIn.Count > 0) sb.Append("disable-in: ").Append(string.Join(", ", disableIn)).Append('\n');
            if (trustPolicy) sb.Append("trust-policy: yes\n");
            if (critical) sb.Append("critical: yes\n");
            return sb.ToString();
        }

        /// <summary>
        /// Test seam for fault injection: called with a stage ("partial": half the bytes are in the temporary file;
        /// "written": all of them, before the rename) and the temporary file's path. A test throws here.
        /// </summary>
        internal static Action<string, string> FaultPoint;

        /// <summary>
        /// Writes <paramref name="content"/> to <paramref name="path"/>: a new file as <paramref name="mode"/> (default
        /// 0644), creating missing directories as 0755; a replaced file keeps its mode and owner. On failure nothing is
        /// left behind: no temporary file, no directory it created, and the old file as it was.
        /// </summary>
        public static void WriteAtomic(string path, string content, int mode = 0x1A4)
        {
            string dir = Path.GetDirectoryName(Path.GetFullPath(path));
            var created = CreateDirectories(dir);
            string temp = Path.Combine(dir, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                    byte[] bytes = new UTF8Encoding(false).GetBytes(content);
                    stream.Write(bytes, 0, bytes.Length / 2);
                    FaultPoint?.Invoke("partial", temp);
                    stream.Write(bytes, bytes.Length / 2, bytes.Length - bytes.Length / 2);
                    stream.Flush(true);
                }
                if (UnixFile.TryGetOwnerAndMode(path, out int uid, out int gid, out int existingMode))
                {
                    // chown first: it may clear set-id bits that the chmod then restores.
                    UnixFile.TryChown(temp, uid, gid);
                    UnixFile.SetMode(temp, existingMode);
                }
                else UnixFile.SetMode(temp, mode);
                FaultPoint?.Invoke("written", temp);
                if (File.Exists(path)) File.Replace(temp, path, null);
                else MoveOrReplace(temp, path);
            }
            catch
            {
                TryDelete(temp);
                for (int i = created.Count - 1; i >= 0; i--) TryRemoveDirectory(created[i]);
                throw;
            }
        }

        public static void Delete(string path) => File.Delete(path);

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
                    UnixFile.SetMode(d, Convert.ToInt32("755", 8));
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
}
