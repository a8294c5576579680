namespace SmartCardPS.Iso7816
{
    /// <summary>Why text is not an APDU. The names are stable: error ids are built from them.</summary>
    public enum ApduFormatReason
    {
        Empty,
        InvalidHex,
        OddDigitCount,
        TooShort,
        TooLong,
        ExtendedOverT0,
    }
}
