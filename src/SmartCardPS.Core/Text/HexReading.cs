namespace SmartCardPS.Text
{
    /// <summary>
    /// What <see cref="Hex.Read"/> found: the bytes, or the error with the offending character's index in the text
    /// (<see cref="HexError.InvalidDigit"/>) and the number of digits read (every other error).
    /// </summary>
    public readonly struct HexReading
    {
        internal HexReading(byte[] bytes, HexError error, int index, int digits)
        {
            Bytes = bytes;
            Error = error;
            Index = index;
            Digits = digits;
        }

        public byte[] Bytes { get; }
        public HexError Error { get; }
        public int Index { get; }
        public int Digits { get; }
    }
}
