using System.Globalization;
using System.Text;

namespace SmartCardPS
{
    /// <summary>Text from a token, a card or a file, made safe to put in a message: quoted, control characters as \xNN, cut when long.</summary>
    internal static class UntrustedText
    {
        public static string Quote(string text, int maxLength = 200)
        {
            if (text == null) return "(none)";
            var sb = new StringBuilder("'");
            int count = 0;
            foreach (char c in text)
            {
                if (count++ == maxLength)
                {
                    sb.Append('…');
                    break;
                }
                if (char.IsControl(c)) sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                else sb.Append(c);
            }
            return sb.Append('\'').ToString();
        }
    }
}
