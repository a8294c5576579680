
namespace SmartCardPS.Pkcs11
{
    /// <summary>How Export-Pkcs11Certificate writes a certificate.</summary>
    public enum CertificateFormat
    {
        /// <summary>Base64 text between BEGIN/END CERTIFICATE lines (p11tool --export).</summary>
        Pem,
        /// <summary>The binary DER encoding (p11tool --export --outder).</summary>
        Der,
    }
}
