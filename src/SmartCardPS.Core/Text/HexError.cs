namespace SmartCardPS.Text
{
    /// <summary>Why text is not hex bytes; each caller turns it into its own domain's error.</summary>
    public enum HexError
    {
        None,
        Empty,
        InvalidDigit,
        OddDigitCount,
        TooLong,
    }
}
