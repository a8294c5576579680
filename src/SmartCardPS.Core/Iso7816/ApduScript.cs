using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using SmartCardPS.Text;

namespace SmartCardPS.Iso7816
{
    /// <summary>
    /// pcsc-tools' scriptor format: one APDU per line in hex (spaced or run together), a line ending in a backslash
    /// continues on the next, '#' starts a comment line, 'reset' resets the card, 'exit' (or 'quit') ends the script.
    /// Unlike scriptor, a comment that mentions exit or reset is only a comment.
    /// </summary>
    public static class ApduScript
    {
        public static IReadOnlyList<ApduScriptStep> Parse(TextReader reader, string source)
        {
            var steps = new List<ApduScriptStep>();
            var pending = new StringBuilder();
            int startLine = 0, number = 0;
            string line;
            while ((line = reader.ReadLine()) != null)
            {
                number++;
                string text = line.Trim();
                if (pending.Length == 0)
                {
                    if (text.Length == 0 || text[0] == '#') continue;
                    string word = text.ToLowerInvariant();
                    if (word == "exit" || word == "quit") break;
                    if (word == "reset")
                    {
                        steps.Add(new ApduScriptStep(number, null));
                        continue;
                    }
                    startLine = number;
                }
                bool continues = text.EndsWith("\\", StringComparison.Ordinal);
                pending.Append(continues ? text.Substring(0, text.Length - 1) : text).Append(' ');
                if (continues) continue;
                steps.Add(new ApduScriptStep(startLine, ParseLine(pending.ToString(), source, startLine)));
                pending.Clear();
            }
            if (pending.Length > 0) steps.Add(new ApduScriptStep(startLine, ParseLine(pending.ToString(), source, startLine)));
            return steps;
        }

        /// <summary>The script at <paramref name="path"/>; <see cref="FileNotFoundException"/> when there is no file
        /// there (a directory included).</summary>
        public static IReadOnlyList<ApduScriptStep> ParseFile(string path)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"The script {UntrustedText.Quote(path)} does not exist.", path);
            using (var reader = new StreamReader(path)) return Parse(reader, path);
        }

        private static CommandApdu ParseLine(string text, string source, int line)
        {
            try
            {
                return CommandApdu.Parse(text);
            }
            catch (ApduFormatException ex)
            {
                throw new ApduFormatException(ex.Reason, $"{UntrustedText.Escape(source)}, line {line}: {ex.Message}");
            }
        }
    }
}
