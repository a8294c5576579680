using System.Text;

namespace SmartCardPS.Text
{
    /// <summary>
    /// PowerShell's single-quoted strings, written and read back. PowerShell takes the typographic single quotes
    /// (U+2018, U+2019, U+201A, U+201B) for ' as well, so each of them is doubled too, or a name holding one ends the
    /// string early. Completions and the commands messages tell users to run both quote through here.
    /// </summary>
    public static class PowerShellQuote
    {
        public static bool IsSingleQuote(char c) => c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201A' || c == '\u201B';

        /// <summary>The text between single quotes as PowerShell reads it back to exactly <paramref name="text"/>.</summary>
        public static string SingleQuoted(string text)
        {
            var sb = new StringBuilder("'");
            foreach (char c in text ?? string.Empty)
            {
                if (IsSingleQuote(c)) sb.Append(c);
                sb.Append(c);
            }
            return sb.Append('\'').ToString();
        }

        /// <summary>
        /// What a partly typed argument says without its quotes: the opening quote (and a closing one) dropped and doubled
        /// single quotes of any kind halved, as PowerShell would read the word once it is closed.
        /// </summary>
        public static string Unquote(string word)
        {
            word = (word ?? string.Empty).Trim();
            if (word.Length == 0) return word;
            if (word[0] == '"') return word.Trim('"');
            if (!IsSingleQuote(word[0])) return word;
            var sb = new StringBuilder();
            for (int i = 1; i < word.Length; i++)
            {
                if (IsSingleQuote(word[i]))
                {
                    if (i + 1 < word.Length && IsSingleQuote(word[i + 1])) i++;
                    else break;
                }
                sb.Append(word[i]);
            }
            return sb.ToString();
        }
    }
}
