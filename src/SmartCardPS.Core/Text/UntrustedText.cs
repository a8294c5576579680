using System.Globalization;
using System.Text;

namespace SmartCardPS.Text
{
    /// <summary>
    /// Text from a token, a card or a file, made safe to put in a message: quoted, cut when long, and every character a
    /// terminal acts on or a person cannot see escaped: control characters as \xNN; bidi controls, zero-width and other
    /// format characters, line and paragraph separators and lone surrogates as \uXXXX (\UXXXXXXXX above U+FFFF).
    /// Letters of every script, marks and emoji stay as they are.
    /// </summary>
    internal static class UntrustedText
    {
        /// <summary>Quoted, escaped and cut after 200 characters.</summary>
        // One parameter and a differently named QuoteAtMost, not an optional length: as a method group
        // (names.Select(UntrustedText.Quote)) that picked Select's (item, index) overload, and each item's index
        // became its length (issue 23, item 17). An overload of the same name would make such calls ambiguous.
        public static string Quote(string text) => QuoteAtMost(text, 200);

        /// <summary>Quoted, escaped and cut after <paramref name="maxLength"/> characters.</summary>
        public static string QuoteAtMost(string text, int maxLength)
        {
            if (text == null) return "(none)";
            return Append(new StringBuilder("'"), text, maxLength).Append('\'').ToString();
        }

        /// <summary>
        /// The same escapes without quotes or a cut, for text PowerShell quotes itself: a ShouldProcess target
        /// (What if: ... on target "...").
        /// </summary>
        public static string Escape(string text) => text == null ? "(none)" : Append(new StringBuilder(), text, int.MaxValue).ToString();

        /// <summary>
        /// Untrusted text as the argument of a command a message tells the user to run: single-quoted as PowerShell
        /// reads it, every quote character doubled (PowerShell takes the typographic ones for quotes too), so the
        /// command can be pasted. Invisible characters are escaped as in <see cref="Quote"/>; such a name cannot be
        /// typed anyway, and the escape keeps the terminal safe. Never cut.
        /// </summary>
        public static string Argument(string text) => text == null ? "''" : PowerShellQuote.SingleQuoted(Escape(text));

        /// <summary>
        /// Untrusted text as the argument of a command for a POSIX shell (sh, bash), escaped as <see cref="Argument"/>
        /// and single-quoted as sh reads it (<see cref="PosixShellQuote"/>). Never cut.
        /// </summary>
        public static string ShellArgument(string text) => PosixShellQuote.SingleQuoted(text == null ? string.Empty : Escape(text));

        /// <summary>One character of untrusted text as a message names it: itself, or U+XXXX when it is not visible.</summary>
        public static string Character(char c) =>
            char.IsControl(c) || IsHidden(CharUnicodeInfo.GetUnicodeCategory(c)) ? "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : c.ToString();

        private static StringBuilder Append(StringBuilder sb, string text, int maxLength)
        {
            int count = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (count++ == maxLength)
                {
                    sb.Append('…');
                    break;
                }
                char c = text[i];
                if (char.IsControl(c))
                {
                    sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    continue;
                }
                bool pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
                if (IsHidden(CharUnicodeInfo.GetUnicodeCategory(text, i)))
                {
                    if (pair) sb.Append("\\U").Append(char.ConvertToUtf32(c, text[i + 1]).ToString("X8", CultureInfo.InvariantCulture));
                    else sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                }
                else
                {
                    sb.Append(c);
                    if (pair) sb.Append(text[i + 1]);
                }
                if (pair) i++;
            }
            return sb;
        }

        // Format (Cf) covers the bidi embeddings, overrides and isolates (U+202A-E, U+2066-9), the marks U+200E, U+200F
        // and U+061C, the zero-width space, joiners and BOM (U+200B-D, U+FEFF), the soft hyphen and the tag characters:
        // each can reorder a name or make two different names look alike.
        private static bool IsHidden(UnicodeCategory category) =>
            category == UnicodeCategory.Format || category == UnicodeCategory.LineSeparator
            || category == UnicodeCategory.ParagraphSeparator || category == UnicodeCategory.Surrogate;
    }
}
