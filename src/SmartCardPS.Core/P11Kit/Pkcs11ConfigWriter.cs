using System.Collections.Generic;
using System.Text;
using SmartCardPS.Os;

namespace SmartCardPS.P11Kit
{
    /// <summary>Renders p11-kit module configs, and writes them through <see cref="AtomicFile"/>.</summary>
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
        /// Writes <paramref name="content"/> to <paramref name="path"/> through <see cref="AtomicFile"/>: a new file as
        /// <paramref name="mode"/> (default 0644), creating missing directories as 0755; a replaced file keeps its mode
        /// and owner. On failure nothing is left behind: no temporary file, no directory it created, and the old file as it was.
        /// </summary>
        public static void WriteAtomic(string path, string content, int mode = AtomicFile.DefaultMode, bool force = false) =>
            AtomicFile.WriteText(path, content, new NewFile { Mode = mode, CreateDirectories = true, Force = force });
    }
}
