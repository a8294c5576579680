namespace SmartCardPS.Pkcs11
{
    /// <summary>How Export-Pkcs11PublicKey writes a public key.</summary>
    public enum PublicKeyFormat
    {
        /// <summary>SubjectPublicKeyInfo as PEM (PUBLIC KEY), as p11tool --export-pubkey writes it.</summary>
        Pem,

        /// <summary>SubjectPublicKeyInfo as DER.</summary>
        Der,

        /// <summary>The authorized_keys line ssh-keygen -D prints, with the label as comment.</summary>
        OpenSsh,
    }
}
