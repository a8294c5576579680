namespace SmartCardPS.Pkcs11
{
    /// <summary>The two objects C_GenerateKeyPair made, as Get-Pkcs11Object lists them (with their p11tool URIs).</summary>
    public sealed class Pkcs11KeyPair
    {
        public Pkcs11Object PrivateKey { get; set; }
        public Pkcs11Object PublicKey { get; set; }
    }
}
