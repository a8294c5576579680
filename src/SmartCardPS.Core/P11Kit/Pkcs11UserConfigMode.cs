namespace SmartCardPS.P11Kit
{
    /// <summary>The user-config setting of pkcs11.conf.</summary>
    public enum Pkcs11UserConfigMode
    {
        None,
        Merge,
        Only,
    }
}
