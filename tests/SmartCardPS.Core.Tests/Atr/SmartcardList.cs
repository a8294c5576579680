using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace SmartCardPS.Tests.Atr
{
    /// <summary>pcsc-tools' installed smartcard_list.txt, read the simple way ATR_analysis reads it: the oracle for the index.</summary>
    internal static class SmartcardList
    {
        public const string InstalledPath = "/usr/share/pcsc/smartcard_list.txt";

        public static bool Installed => File.Exists(InstalledPath);

        public sealed class Entry
        {
            public string Pattern;
            public List<string> Descriptions = new List<string>();
            public Regex Regex;
            public bool IsConcrete => Regex.IsMatch(Pattern, "^[0-9A-F]{2}( [0-9A-F]{2})*$");
        }

        public static List<Entry> Read(string path = InstalledPath)
        {
            var entries = new List<Entry>();
            Entry current = null;
            foreach (string line in File.ReadLines(path))
            {
                if (line.StartsWith("\t"))
                {
                    current?.Descriptions.Add(line.Trim());
                    continue;
                }
                current = null;
                if (line.Length == 0 || line.StartsWith("#")) continue;
                current = new Entry { Pattern = line, Regex = new Regex("^" + line + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant) };
                entries.Add(current);
            }
            return entries;
        }

        /// <summary>Every description line of every entry whose regex matches the ATR text, one regex per entry.</summary>
        public static string[] NaiveIdentify(List<Entry> entries, string atrText) =>
            entries.Where(e => e.Regex.IsMatch(atrText)).SelectMany(e => e.Descriptions).ToArray();
    }
}
