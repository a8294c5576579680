namespace SmartCardPS.Iso7816
{
    /// <summary>The ISO/IEC 7816-3 12.1 cases: where Lc and Le sit in the bytes.</summary>
    public enum ApduCase
    {
        /// <summary>Bytes that fit no case; sent as they are, without the T=0 retry rules.</summary>
        Unknown = 0,
        Case1,
        Case2Short,
        Case3Short,
        Case4Short,
        Case2Extended,
        Case3Extended,
        Case4Extended,
    }
}
