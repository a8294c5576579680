using System;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Makes a PKCS#10 certificate request, or a self-signed certificate, signed on a PKCS#11
    /// token by a key that never leaves it.</para>
    /// <para type="description">For the private key piped from Get-Pkcs11Object or New-Pkcs11KeyPair, or named by a
    /// pkcs11: URI, builds the request with .NET's CertificateRequest (Ed25519 as RFC 8410 DER) and has the token sign
    /// it: CKM_RSA_PKCS or CKM_RSA_PKCS_PSS (-RsaPadding), CKM_ECDSA, or CKM_EDDSA. -Subject, -DnsName and -Email
    /// (subjectAltName), -KeyUsage (critical) and -ExtendedKeyUsage (ServerAuth, ClientAuth, CodeSigning,
    /// EmailProtection, TimeStamping, OcspSigning, SmartCardLogon or dotted OIDs) go into the request. Emits an object
    /// whose Pem is the request as openssl req and CAs take it.</para>
    /// <para type="description">With -SelfSigned it emits a self-signed X509Certificate2 instead, valid from -NotBefore
    /// (now) to -NotAfter (a year from now); -Import puts it on the token with the key's CKA_ID and label, so it pairs
    /// with the key, and emits it as Get-Pkcs11Object lists it. The user logs in once per key; a wrong PIN is reported
    /// once and never retried. With -Import and -WhatIf no module is loaded.</para>
    /// </summary>
    /// <example>
    /// <code>New-Pkcs11CertificateRequest -Uri 'pkcs11:token=MyToken;object=My%20key;type=private?pin-value=1234' `
    ///     -Subject 'CN=www.example.org' -DnsName www.example.org -ExtendedKeyUsage ServerAuth |
    ///     Select-Object -ExpandProperty Pem</code>
    /// <para>Shows a request for a TLS server certificate signed by "My key" on MyToken, ready for openssl req or a
    /// CA.</para>
    /// </example>
    /// <example>
    /// <code>Get-Pkcs11Object -Uri 'pkcs11:token=MyToken;object=My%20key;type=private?pin-value=1234' -Login |
    ///     New-Pkcs11CertificateRequest -Subject 'CN=My key' -SelfSigned -NotAfter (Get-Date).AddYears(2) -Import `
    ///     -Pin (ConvertTo-SecureString 1234 -AsPlainText -Force)</code>
    /// <para>Signs a self-signed certificate valid for two years with "My key" and stores it on MyToken next to the key
    /// (a test token's PIN; for a real card give -Pin (Read-Host -AsSecureString)).</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "Pkcs11CertificateRequest", DefaultParameterSetName = UriSet, SupportsShouldProcess = true)]
    [OutputType(typeof(Pkcs11CertificateRequest), typeof(X509Certificate2), typeof(Pkcs11Object))]
    public sealed class NewPkcs11CertificateRequestCommand : Pkcs11KeyCmdlet
    {
        private const string KeySet = "Key";
        private const string UriSet = "Uri";

        /// <summary>
        /// <para type="description">Private keys from Get-Pkcs11Object -Login or New-Pkcs11KeyPair (other objects are
        /// skipped).</para>
        /// </summary>
        [Parameter(ParameterSetName = KeySet, Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "Private keys from Get-Pkcs11Object -Login.")]
        [ValidateNotNull]
        public Pkcs11Object Key { get; set; }

        /// <summary>
        /// <para type="description">A pkcs11: URI naming the private key (type=private is implied).</para>
        /// </summary>
        [Parameter(ParameterSetName = UriSet, Mandatory = true, Position = 0, HelpMessage = "A pkcs11: URI naming one private key.")]
        [ArgumentCompleter(typeof(PrivateKeyUriCompleter))]
        [ValidateNotNullOrEmpty]
        public string Uri { get; set; }

        /// <summary>
        /// <para type="description">The subject distinguished name, e.g. 'CN=www.example.org, O=Example'.</para>
        /// </summary>
        [Parameter(Mandatory = true, HelpMessage = "The subject, e.g. 'CN=www.example.org, O=Example'.")]
        [ValidateNotNullOrEmpty]
        public string Subject { get; set; }

        /// <summary>
        /// <para type="description">DNS names for the subjectAltName (ASCII; an IDN as its xn-- form).</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] DnsName { get; set; }

        /// <summary>
        /// <para type="description">Mail addresses for the subjectAltName.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Email { get; set; }

        /// <summary>
        /// <para type="description">The keyUsage extension (critical), e.g. DigitalSignature, KeyEncipherment; left out
        /// when not given.</para>
        /// </summary>
        [Parameter]
        public X509KeyUsageFlags KeyUsage { get; set; }

        /// <summary>
        /// <para type="description">extendedKeyUsage: ServerAuth, ClientAuth, CodeSigning, EmailProtection,
        /// TimeStamping, OcspSigning, SmartCardLogon, or dotted OIDs.</para>
        /// </summary>
        [Parameter]
        [ArgumentCompleter(typeof(ExtendedKeyUsageCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] ExtendedKeyUsage { get; set; }

        /// <summary>
        /// <para type="description">SHA256 (default), SHA384 or SHA512. Ed25519 keys sign the whole request and ignore
        /// it.</para>
        /// </summary>
        [Parameter]
        [ValidateSet("SHA256", "SHA384", "SHA512")]
        public string HashAlgorithm { get; set; } = "SHA256";

        /// <summary>
        /// <para type="description">For RSA keys: Pkcs1 (CKM_RSA_PKCS, the default) or Pss (CKM_RSA_PKCS_PSS, salt as
        /// long as the hash).</para>
        /// </summary>
        [Parameter]
        public Pkcs11RsaPadding RsaPadding { get; set; } = Pkcs11RsaPadding.Pkcs1;

        /// <summary>
        /// <para type="description">Emit a self-signed certificate instead of a request.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter SelfSigned { get; set; }

        /// <summary>
        /// <para type="description">With -SelfSigned: the start of its validity (default: five minutes ago).</para>
        /// </summary>
        [Parameter]
        public DateTime NotBefore { get; set; }

        /// <summary>
        /// <para type="description">With -SelfSigned: the end of its validity (default: a year from now).</para>
        /// </summary>
        [Parameter]
        public DateTime NotAfter { get; set; }

        /// <summary>
        /// <para type="description">With -SelfSigned: put the certificate on the token with the key's CKA_ID and
        /// label.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Import { get; set; }

        private string[] usages;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (!SelfSigned && (Import || MyInvocation.BoundParameters.ContainsKey(nameof(NotAfter)) || MyInvocation.BoundParameters.ContainsKey(nameof(NotBefore))))
            {
                ThrowTerminatingError(NewError(new ArgumentException("-Import, -NotBefore and -NotAfter go with -SelfSigned: a request has no validity and nothing to import."),
                    "SelfSignedOnly", ErrorCategory.InvalidArgument, null));
            }
            usages = (ExtendedKeyUsage ?? Array.Empty<string>()).Select(Usage).ToArray();
        }

        private string Usage(string value)
        {
            if (Pkcs11CertificateRequestSpec.ExtendedKeyUsageNames.TryGetValue(value, out string oid)) return oid;
            if (value.Split('.').Length >= 2 && value.All(c => char.IsDigit(c) || c == '.')) return value;
            ThrowTerminatingError(NewError(new ArgumentException($"-ExtendedKeyUsage {UntrustedText.Quote(value)} is neither a dotted OID nor one of {string.Join(", ", Pkcs11CertificateRequestSpec.ExtendedKeyUsageNames.Keys)}."),
                "InvalidExtendedKeyUsage", ErrorCategory.InvalidArgument, value));
            return null;
        }

        protected override void ProcessRecord()
        {
            if (Key != null && Key.Class != Pkcs11ObjectClass.PrivateKey)
            {
                WriteVerbose($"Skipping {UntrustedText.Quote(Key.Label)} ({Key.Uri}): it is a {Key.Class}, not a private key.");
                return;
            }
            string named = Key != null ? $"{UntrustedText.Quote(Key.Label)} on {UntrustedText.Quote(Key.Token)}" : UntrustedText.Quote(Pkcs11UriText.Redact(Uri));
            // Before anything is loaded: -WhatIf loads no module.
            if (Import && !ShouldProcess(named, $"Sign a self-signed certificate for {UntrustedText.Quote(Subject)} and import it")) return;
            var spec = new Pkcs11CertificateRequestSpec
            {
                Subject = Subject,
                DnsNames = DnsName,
                Emails = Email,
                KeyUsage = KeyUsage,
                ExtendedKeyUsage = usages,
                HashAlgorithm = new HashAlgorithmName(HashAlgorithm.ToUpperInvariant()),
                RsaPadding = RsaPadding,
            };
            if (MyInvocation.BoundParameters.ContainsKey(nameof(NotBefore))) spec.NotBefore = NotBefore.ToUniversalTime();
            if (MyInvocation.BoundParameters.ContainsKey(nameof(NotAfter))) spec.NotAfter = NotAfter.ToUniversalTime();
            if (Key != null)
            {
                TokenTarget? target = TokenOf(Key);
                if (target != null) Sign(target.Value, Key, spec);
                return;
            }
            foreach (TokenTarget target in TokensOfUri(Uri)) Sign(target, null, spec);
        }

        private void Sign(TokenTarget target, Pkcs11Object piped, Pkcs11CertificateRequestSpec spec)
        {
            InSession(target, readWrite: Import, login: true, piped, session =>
            {
                var keys = FindKeys(session, piped, target, Pkcs11ObjectClass.PrivateKey);
                foreach (Pkcs11Object key in keys)
                {
                    try
                    {
                        if (!SelfSigned)
                        {
                            WriteObject(Pkcs11CertificateRequests.CreateSigningRequest(session, key, spec));
                            continue;
                        }
                        X509Certificate2 certificate = Pkcs11CertificateRequests.CreateSelfSigned(session, key, spec);
                        WriteObject(Import ? Pkcs11CertificateRequests.Import(session, certificate, key) : (object)certificate);
                    }
                    catch (ArgumentException ex)
                    {
                        WriteError(NewError(ex, "InvalidRequest", ErrorCategory.InvalidArgument, key));
                    }
                    catch (CryptographicException ex)
                    {
                        WriteError(NewError(ex, "InvalidRequest", ErrorCategory.InvalidArgument, key));
                    }
                }
            });
        }
    }
}
