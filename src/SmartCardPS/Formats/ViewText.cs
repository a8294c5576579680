using System;
using System.Collections.Generic;
using System.Text;
using SmartCardPS.Text;

namespace SmartCardPS.Formats
{
    /// <summary>
    /// Text for the format views' fixed-width columns. PowerShell wraps a cell at the column edge, mid-word; these
    /// break at spaces instead (between ATR bytes, between words), so wrapped cells stay readable at 80 columns.
    /// </summary>
    public static class ViewText
    {
        /// <summary>Each line of <paramref name="text"/> broken at spaces into lines of at most
        /// <paramref name="width"/> characters.</summary>
        public static string Wrap(string text, int width)
        {
            if (string.IsNullOrEmpty(text) || width < 1) return text;
            var lines = new List<string>();
            foreach (string paragraph in text.Split('\n'))
            {
                var line = new StringBuilder();
                foreach (string word in paragraph.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
                {
                    string rest = word;
                    while (rest.Length > 0)
                    {
                        int room = line.Length == 0 ? width : width - line.Length - 1;
                        if (rest.Length <= room)
                        {
                            if (line.Length > 0) line.Append(' ');
                            line.Append(rest);
                            rest = string.Empty;
                        }
                        else if (line.Length > 0)
                        {
                            lines.Add(line.ToString());
                            line.Clear();
                        }
                        else
                        {
                            lines.Add(rest.Substring(0, width));
                            rest = rest.Substring(width);
                        }
                    }
                }
                lines.Add(line.ToString());
            }
            return string.Join("\n", lines);
        }

        /// <summary>
        /// Bytes as a column shows them: the hex broken between bytes, then the bytes' text (printable ASCII, as
        /// opensc-tool prints beside its hex) on lines of <paramref name="width"/> characters. The text is cut, not
        /// broken at spaces, because its spaces are data.
        /// </summary>
        public static string HexAndText(string hex, string text, int width)
        {
            if (string.IsNullOrEmpty(hex) || string.IsNullOrEmpty(text) || width < 1) return hex;
            var lines = new List<string> { Wrap(hex, width) };
            for (int i = 0; i < text.Length; i += width) lines.Add(text.Substring(i, Math.Min(width, text.Length - i)));
            return string.Join("\n", lines);
        }

        /// <summary>
        /// Untrusted text for a group header ("   Label: text") that fits 80 columns: wrapped at spaces, each further
        /// line indented under the first, where PowerShell would break it mid-word at the screen's edge.
        /// </summary>
        public static string GroupLabel(string text, string label)
        {
            int indent = 3 + label.Length + 2;
            string wrapped = WrapUntrusted(text, 79 - indent);
            return wrapped?.Replace("\n", "\n" + new string(' ', indent));
        }

        /// <summary>The end of <paramref name="text"/> in at most <paramref name="width"/> characters, behind an
        /// ellipsis when cut.</summary>
        public static string Tail(string text, int width)
        {
            if (text == null || text.Length <= width || width < 2) return text;
            return "\u2026" + text.Substring(text.Length - (width - 1));
        }

        /// <summary>
        /// Text another program chose (a command line), escaped as messages escape it (no control or invisible
        /// character reaches the terminal), then wrapped like <see cref="Wrap"/>.
        /// </summary>
        public static string WrapUntrusted(string text, int width) => text == null ? null : Wrap(UntrustedText.Escape(text), width);
    }
}
