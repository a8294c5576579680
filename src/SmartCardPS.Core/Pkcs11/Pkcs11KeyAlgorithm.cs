namespace SmartCardPS.Pkcs11
{
    /// <summary>The key pair families New-Pkcs11KeyPair generates: CKK_RSA, CKK_EC (Weierstrass curves), CKK_EC_EDWARDS.</summary>
    public enum Pkcs11KeyAlgorithm
    {
        Rsa,
        Ec,
        EdDsa,
    }
}
