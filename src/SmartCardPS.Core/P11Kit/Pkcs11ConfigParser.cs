using System;
using System.Collections.Generic;
using System.IO;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.P11Kit
{
    /// <summary>
    /// Reads p11-kit's config syntax (pkcs11.conf(5)): "name: value" lines, '#' comments, blank lines.
    /// Like p11-kit, a line it cannot read makes the whole file unusable rather than half-read.
    /// </summary>
    internal static class Pkcs11ConfigParser
    {
        private const long MaxConfigSize = 1024 * 1024;

        /// <summary>The file's settings (a later duplicate key wins, as in p11-kit), or null with <paramref name="error"/> set.</summary>
        public static Dictionary<string, string> ParseFile(string path, out string error)
        {
            string text;
            try
            {
                // A module config is a few lines; a huge file (or a device) is not one, and is not read into memory.
                var info = new FileInfo(path);
                if (info.Length > MaxConfigSize)
                {
                    error = $"it is {info.Length} bytes long, more than a module config can be ({MaxConfigSize} bytes)";
                    return null;
                }
                // A device or FIFO reports no size: only a regular file is read, and never past the cap.
                text = SafeFile.ReadText(path, MaxConfigSize) ?? throw new FileNotFoundException($"{UntrustedText.Quote(path)} does not exist.", path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                error = ex.Message;
                return null;
            }
            return Parse(text, out error);
        }

        public static Dictionary<string, string> Parse(string text, out string error)
        {
            error = null;
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            int lineNumber = 0;
            foreach (string raw in text.Split('\n'))
            {
                lineNumber++;
                string line = raw.Trim();
                if (line.Length == 0 || line[0] == '#') continue;
                if (line[0] == '[' || line.StartsWith("-----BEGIN", StringComparison.Ordinal))
                {
                    error = $"line {lineNumber}: sections and PEM blocks are not allowed in a module config";
                    return null;
                }
                int colon = line.IndexOf(':');
                if (colon <= 0)
                {
                    error = $"line {lineNumber}: expected 'name: value', found {UntrustedText.Quote(line)}";
                    return null;
                }
                settings[line.Substring(0, colon).Trim()] = line.Substring(colon + 1).Trim();
            }
            return settings;
        }

        /// <summary>p11-kit's rule for module config names: a letter or digit first, then letters, digits, '_', '-', '.', ending in ".module".</summary>
        public static string ModuleNameOf(string fileName)
        {
            const string suffix = ".module";
            if (fileName.Length <= suffix.Length || !fileName.EndsWith(suffix, StringComparison.Ordinal)) return null;
            if (!IsAsciiLetterOrDigit(fileName[0])) return null;
            foreach (char c in fileName)
            {
                if (!IsAsciiLetterOrDigit(c) && c != '_' && c != '-' && c != '.') return null;
            }
            return fileName.Substring(0, fileName.Length - suffix.Length);
        }

        private static bool IsAsciiLetterOrDigit(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

        /// <summary>p11-kit booleans are exactly "yes" or "no"; anything else keeps the default.</summary>
        public static bool Boolean(string value, bool defaultValue)
        {
            if (value == "yes") return true;
            if (value == "no") return false;
            return defaultValue;
        }

        /// <summary>enable-in and disable-in hold program names separated by commas or blanks.</summary>
        public static string[] List(string value) =>
            value == null ? Array.Empty<string>() : value.Split(new[] { ',', ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
    }
}
