namespace SmartCardPS.Pkcs11
{
    /// <summary>How one key fared with one mechanism in Test-Pkcs11Key.</summary>
    public enum Pkcs11KeyTestStatus
    {
        Pass,
        Fail,

        /// <summary>Not tried: the key may not sign, or nothing to verify with; Detail says why.</summary>
        Skipped,
    }
}
