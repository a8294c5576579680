namespace SmartCardPS.Atr
{
    /// <summary>Clock stop indicator X of the first TAi for T=15.</summary>
    public enum AtrClockStop
    {
        NotSupported,
        StateL,
        StateH,
        NoPreference,
    }
}
