using SmartCardPS.Pkcs11;

namespace SmartCardPS.Completion
{
    /// <summary>Completes a -Uri naming one private key (New-Pkcs11CertificateRequest) with private keys' URIs, listed
    /// once a Get-Pkcs11Object -Login of this session saw them.</summary>
    internal sealed class PrivateKeyUriCompleter : ObjectUriCompleter
    {
        protected override Pkcs11ObjectClass[] Classes { get; } = { Pkcs11ObjectClass.PrivateKey };
    }
}
