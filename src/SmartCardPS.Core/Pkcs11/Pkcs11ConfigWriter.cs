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
        public static string Render(string moduleSetting, int? priority, IReadOnlyCollection<string> enableIn, IReadOnlyCollection<string> disableIn)
        {
            var sb = new StringBuilder();
            sb.Append("# Written by SmartCardPS (Register-OpenScModule); see pkcs11.conf(5).\n");
            sb.Append("module: ").Append(moduleSetting).Append('\n');
            if (priority.HasValue) sb.Append("priority: ").Append(priority.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
            if (enableIn != null && enableIn.Count > 0) sb.Append("enable-in: ").Append(string.Join(", ", enableIn)).Append('\n');
            if (disableIn != null && disableIn.Count > 0) sb.Append("disable-in: ").Append(string.Join(", ", disableIn)).Append('\n');
            return sb.ToString();
        }

        /// <summary>
        /// Writes <paramref name="content"/> to <paramref name="path"/> as <paramref name="mode"/> (default 0644), creating
        /// missing directories as 0755. On failure nothing is left behind: no temporary file, no directory it created.
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
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(true);
                }
                UnixFile.SetMode(temp, mode);
                if (File.Exists(path)) File.Replace(temp, path, null);
                else File.Move(temp, path);
            }
            catch
            {
                TryDelete(temp);
                for (int i = created.Count - 1; i >= 0; i--) TryRemoveDirectory(created[i]);
                throw;
            }
        }

        public static void Delete(string path) => File.Delete(path);

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
