using System;
using System.Collections.Generic;

namespace SmartCardPS.Text
{
    /// <summary>The INI dialect of profiles.ini and compatibility.ini: [Section], Key=Value, ; and # comments.</summary>
    internal static class IniFile
    {
        public static List<KeyValuePair<string, Dictionary<string, string>>> Parse(IEnumerable<string> lines)
        {
            var sections = new List<KeyValuePair<string, Dictionary<string, string>>>();
            Dictionary<string, string> current = null;
            foreach (string raw in lines)
            {
                string line = raw.Trim();
                if (line.Length == 0 || line[0] == ';' || line[0] == '#') continue;
                if (line[0] == '[')
                {
                    int close = line.IndexOf(']');
                    current = new Dictionary<string, string>(StringComparer.Ordinal);
                    sections.Add(new KeyValuePair<string, Dictionary<string, string>>(close > 0 ? line.Substring(1, close - 1) : line.Substring(1), current));
                    continue;
                }
                int eq = line.IndexOf('=');
                if (current == null || eq <= 0) continue;
                current[line.Substring(0, eq).Trim()] = line.Substring(eq + 1);
            }
            return sections;
        }
    }
}
