namespace SmartCardPS.Nss
{
    /// <summary>Which Firefox build a profile belongs to.</summary>
    public enum FirefoxFlavor
    {
        Firefox,
        ESR,
        Snap,
        Flatpak,
    }
}
