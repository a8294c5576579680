namespace SmartCardPS.Pkcs11
{
    /// <summary>How an RSA key on a token signs: CKM_RSA_PKCS (PKCS#1 v1.5) or CKM_RSA_PKCS_PSS (salt as long as the hash).</summary>
    public enum Pkcs11RsaPadding
    {
        Pkcs1,
        Pss,
    }
}
