namespace SmartCardPS.Atr
{
    /// <summary>The bit order and polarity TS announces.</summary>
    public enum AtrConvention
    {
        Direct,
        Inverse,
    }

    /// <summary>Negotiable mode allows PPS; specific mode (TA2 present) imposes the protocol TA2 names.</summary>
    public enum AtrMode
    {
        Negotiable,
        Specific,
    }

    /// <summary>T=1 block check: TCi bit 1 of the first TCi for T=1.</summary>
    public enum AtrErrorDetection
    {
        Lrc,
        Crc,
    }

    /// <summary>Clock stop indicator X of the first TAi for T=15.</summary>
    public enum AtrClockStop
    {
        NotSupported,
        StateL,
        StateH,
        NoPreference,
    }
}
