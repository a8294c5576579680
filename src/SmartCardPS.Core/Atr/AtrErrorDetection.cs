namespace SmartCardPS.Atr
{
    /// <summary>T=1 block check: TCi bit 1 of the first TCi for T=1.</summary>
    public enum AtrErrorDetection
    {
        Lrc,
        Crc,
    }
}
