using SmartCardPS.Pkcs11;

namespace SmartCardPS.Completion
{
    /// <summary>Completes a -Uri naming one certificate (Export-Pkcs11Certificate) with certificates' URIs.</summary>
    internal sealed class CertificateUriCompleter : ObjectUriCompleter
    {
        protected override Pkcs11ObjectClass[] Classes { get; } = { Pkcs11ObjectClass.Certificate };
    }
}
