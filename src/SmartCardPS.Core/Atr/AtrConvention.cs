namespace SmartCardPS.Atr
{
    /// <summary>The bit order and polarity TS announces.</summary>
    public enum AtrConvention
    {
        Direct,
        Inverse,
    }
}
