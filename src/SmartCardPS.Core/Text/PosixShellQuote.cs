using System.Text;

namespace SmartCardPS.Text
{
    /// <summary>
    /// A POSIX shell's single-quoted words (sh, bash, zsh, dash): nothing inside single quotes is special, not even a
    /// backslash, so a ' in the text closes the quotes, is written as \' and the quotes open again ('\''). PowerShell's
    /// doubled '' (<see cref="PowerShellQuote"/>) reads in sh as two quoted words glued together, and the quote is lost.
    /// </summary>
    public static class PosixShellQuote
    {
        /// <summary>The word sh reads back as exactly <paramref name="text"/>.</summary>
        public static string SingleQuoted(string text)
        {
            var sb = new StringBuilder("'");
            foreach (char c in text ?? string.Empty)
            {
                if (c == '\'') sb.Append("'\\''");
                else sb.Append(c);
            }
            return sb.Append('\'').ToString();
        }
    }
}
