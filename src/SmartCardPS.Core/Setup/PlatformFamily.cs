namespace SmartCardPS.Setup
{
    /// <summary>The families whose package managers and service tools the remedies speak.</summary>
    public enum PlatformFamily
    {
        Unknown,
        Debian,
        Fedora,
        Arch,
        Suse,
        MacOS,
        Windows,
    }
}
