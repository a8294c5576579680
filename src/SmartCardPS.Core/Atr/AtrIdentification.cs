using System;

namespace SmartCardPS.Atr
{
    /// <summary>
    /// One smartcard_list.txt entry that matches an ATR: its ATR pattern and its description lines (the card's name
    /// first; later lines are often a URL or a note, which is why they are not names of their own).
    /// </summary>
    public sealed class AtrIdentification
    {
        public AtrIdentification() { }

        internal AtrIdentification(string pattern, string[] descriptions)
        {
            Pattern = pattern;
            Descriptions = descriptions;
        }

        /// <summary>The entry's ATR line, as the file writes it (hex with '.' wildcards, or a regular expression).</summary>
        public string Pattern { get; set; }

        /// <summary>The entry's description lines, in file order.</summary>
        public string[] Descriptions { get; set; } = Array.Empty<string>();

        public override string ToString() => Descriptions.Length > 0 ? Pattern + ": " + string.Join(" / ", Descriptions) : Pattern;
    }
}
