namespace SmartCardPS.Atr
{
    /// <summary>Negotiable mode allows PPS; specific mode (TA2 present) imposes the protocol TA2 names.</summary>
    public enum AtrMode
    {
        Negotiable,
        Specific,
    }
}
