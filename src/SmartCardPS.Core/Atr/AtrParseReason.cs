namespace SmartCardPS.Atr
{
    /// <summary>Why a text or byte string is not an ATR that can be decoded. The names are stable: error ids are built from them.</summary>
    public enum AtrParseReason
    {
        Empty,
        InvalidHex,
        OddDigitCount,
        TooLong,
        InvalidTS,
        Truncated,

        /// <summary>A lone number: the bytes of an array piped unwrapped arrive one at a time.</summary>
        LoneByte,
    }
}
