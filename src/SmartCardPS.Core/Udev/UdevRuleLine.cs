using System.Collections.Generic;
using SmartCardPS.Text;

namespace SmartCardPS.Udev
{
    /// <summary>
    /// A strict reader of the one rule line New-SmartCardUdevRule writes: KEY op "value" pairs separated by commas, as
    /// udev's rule parser splits them. It is stricter than udev (no escapes, no control characters, nothing after the
    /// last value), so a line it reads back to the intended pairs is one udev reads the same way.
    /// </summary>
    public static class UdevRuleLine
    {
        private static readonly string[] Operators = { "==", "!=", "+=", "-=", ":=", "=" };

        /// <summary>The pairs of <paramref name="line"/> in order; null when it is not such a line.</summary>
        public static List<UdevAssignment> Parse(string line)
        {
            if (line == null) return null;
            var pairs = new List<UdevAssignment>();
            int i = 0;
            while (true)
            {
                while (i < line.Length && line[i] == ' ') i++;
                int keyStart = i;
                while (i < line.Length && IsKeyChar(line[i])) i++;
                if (i == keyStart) return null;
                string key = line.Substring(keyStart, i - keyStart);
                string op = null;
                foreach (string candidate in Operators)
                {
                    if (string.CompareOrdinal(line, i, candidate, 0, candidate.Length) == 0)
                    {
                        op = candidate;
                        break;
                    }
                }
                if (op == null) return null;
                i += op.Length;
                if (i >= line.Length || line[i] != '"') return null;
                int valueStart = ++i;
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' || ConfigValue.IsControl(line[i])) return null;
                    i++;
                }
                if (i >= line.Length) return null;
                pairs.Add(new UdevAssignment(key, op, line.Substring(valueStart, i - valueStart)));
                i++;
                if (i == line.Length) return pairs;
                if (line[i] != ',') return null;
                i++;
            }
        }

        private static bool IsKeyChar(char c) =>
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '{' || c == '}';
    }
}
