namespace SmartCardPS.Text
{
    /// <summary>
    /// What <see cref="Hex.Read"/> found: the bytes, or the error with the offending character's index in the text
    /// (<see cref="HexError.InvalidDigit"/>) and the number of digits read (every other error).
    /// </summary>
    public readonly struct HexReading
    {
        internal HexReading(string text, byte[] bytes, HexError error, int index, int digits)
        {
            Text = text;
            Bytes = bytes;
            Error = error;
            Index = index;
            Digits = digits;
        }

        /// <summary>The text read, as given (null when none was).</summary>
        public string Text { get; }
        public byte[] Bytes { get; }
        public HexError Error { get; }
        public int Index { get; }
        public int Digits { get; }

        /// <summary>
        /// The one wording of a hex error, for every domain that reads hex (APDUs, ATRs): <paramref name="subject"/>
        /// names the text (such as "the APDU", or the text quoted), <paramref name="examples"/> shows how to write
        /// it. Null for <see cref="HexError.None"/>, <see cref="HexError.Empty"/> and <see cref="HexError.TooLong"/>,
        /// which are the domain's length rules and hold for bytes given as bytes too.
        /// </summary>
        public string Message(string subject, string examples)
        {
            switch (Error)
            {
                case HexError.InvalidDigit:
                    return $"Character '{UntrustedText.Character(Text[Index])}' at position {Index + 1} of {subject} is not a " +
                        $"hexadecimal digit. Write it as hex bytes such as {examples}.";
                case HexError.OddDigitCount:
                    return $"{char.ToUpperInvariant(subject[0])}{subject.Substring(1)} has {Digits} hexadecimal digits, an " +
                        "odd count, so one byte is incomplete. Every byte needs two digits (write 0A, not A).";
                default:
                    return null;
            }
        }
    }
}
