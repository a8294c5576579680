using System;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Writes an X.509 certificate to a PKCS#11 token (C_CreateObject), as p11tool --write
    /// --load-certificate and pkcs11-tool --write-object --type cert do.</para>
    /// <para type="description">Takes the certificate from -Path (PEM or DER), -Certificate, or the pipeline
    /// (X509Certificate2 objects, or files from Get-ChildItem), and one token (-Token, a label, or a pkcs11: URI). The
    /// object is a public token certificate with CKA_SUBJECT, CKA_ISSUER, CKA_SERIAL_NUMBER and CKA_VALUE. Without -Id
    /// it gets the CKA_ID of the key on the token whose public key is the certificate's (an RSA private or public key
    /// with its modulus, an EC or Ed25519 public key with its point), so OpenSSH, Firefox and GnuTLS pair them;
    /// without such a key, the certificate's key id (SHA-1 of its public key), which is what p11tool --write gives it
    /// and what p11tool --generate-privkey gives a key. Without -Label the label is the certificate's subject common
    /// name. The user logs in first when the token requires a login (its PIN from -Pin, -Credential, the URI's
    /// pin-value or pin-source, the PIN pad, or a prompt), in a read-write session closed before the command returns; a
    /// wrong PIN is reported once and never retried. Emits the new Pkcs11Object with its Uri exactly as p11tool
    /// --list-all prints it; when the module stores it but cannot read it back, it is destroyed again and the error
    /// says so (or, if that fails too, that it is left to remove). -WhatIf loads no module.</para>
    /// </summary>
    /// <example>
    /// <code>Export-Pkcs11Certificate -Uri 'pkcs11:token=MyToken;object=My%20cert;type=cert' -Path ~/my-cert.pem `
    ///     -Force |
    ///     Import-Pkcs11Certificate -Uri 'pkcs11:token=MyToken?pin-value=1234' -Label 'My cert copy'</code>
    /// <para>Exports a certificate to a PEM file and writes the file back to MyToken under another label (logging in
    /// with the PIN in the URI, a test token's), paired with its key if the token holds it; shows the new object and
    /// its URI.</para>
    /// </example>
    /// <example>
    /// <code>(Get-Pkcs11Object -Uri 'pkcs11:token=MyToken;type=cert').Certificate |
    ///     Import-Pkcs11Certificate -Token MyToken -Label 'copy' -WhatIf</code>
    /// <para>Shows which certificates would be written to MyToken again (from the pipeline, as X509Certificate2
    /// objects); nothing is loaded under -WhatIf. Files piped from Get-ChildItem bind to -Path the same way.</para>
    /// </example>
    [Cmdlet(VerbsData.Import, "Pkcs11Certificate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = TokenSet)]
    [OutputType(typeof(Pkcs11Object))]
    public sealed class ImportPkcs11CertificateCommand : Pkcs11WriteCmdlet
    {
        /// <summary>
        /// <para type="description">A certificate file, PEM or DER (relative to the current location). Files piped from
        /// Get-ChildItem bind here.</para>
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "A certificate file, PEM or DER.")]
        [Alias("FullName", "PSPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>
        /// <para type="description">The certificate as an X509Certificate2, e.g. from Get-PfxCertificate or a
        /// Pkcs11Object's Certificate.</para>
        /// </summary>
        [Parameter(ValueFromPipeline = true, HelpMessage = "The certificate as an X509Certificate2.")]
        [ValidateNotNull]
        public X509Certificate2 Certificate { get; set; }

        /// <summary>
        /// <para type="description">The object's label (CKA_LABEL). Without it, the certificate's subject common
        /// name.</para>
        /// </summary>
        [Parameter(HelpMessage = "The object label.")]
        [ValidateNotNull]
        public string Label { get; set; }

        /// <summary>
        /// <para type="description">The object's CKA_ID in hex (0102ff, 01:02:ff and '01 02 ff' are the same). Without
        /// it, the id of the certificate's key on the token, else its key id.</para>
        /// </summary>
        [Parameter(HelpMessage = "The object id in hex.")]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; }

        /// <summary>
        /// <para type="description">The user PIN, as a SecureString; used when the token requires a login.</para>
        /// </summary>
        [Parameter(HelpMessage = "The user PIN as a SecureString.")]
        [ValidateNotNull]
        public SecureString Pin { get; set; }

        /// <summary>
        /// <para type="description">A credential whose password is the user PIN (the user name is not used).</para>
        /// </summary>
        [Parameter(HelpMessage = "A credential whose password is the user PIN.")]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        private byte[] idBytes;

        protected override void BeginProcessing()
        {
            Pkcs11.RefuseTwoPins(Pin, Credential);
            idBytes = HexIdOrStop(Id, "-Id");
        }

        protected override void ProcessRecord()
        {
            if ((Path == null) == (Certificate == null))
            {
                WriteError(NewError(new ArgumentException("Give the certificate once: -Path, -Certificate, or on the pipeline."), "CertificateRequired", ErrorCategory.InvalidArgument, null));
                return;
            }
            string source = Path != null ? UntrustedText.Quote(Pkcs11.FullPath(Path)) : $"certificate {UntrustedText.Quote(Certificate.Subject)}";
            ImportToToken($"Write {source}", Pin ?? Credential?.Password, ReadCertificate, token => token.Flags.HasFlag(Pkcs11TokenFlags.LoginRequired),
                (target, der, login, pin) =>
                {
                    try
                    {
                        return Pkcs11Provisioner.ImportCertificate(target.Library, target.Token, der, Label ?? SubjectName(der), idBytes, login, pin);
                    }
                    catch (ArgumentException ex)
                    {
                        WriteError(NewError(ex, "InvalidCertificate", ErrorCategory.InvalidData, Path ?? (object)Certificate));
                        return null;
                    }
                });
        }

        /// <summary>The certificate's DER; null with the error written when the file cannot be read or holds no
        /// certificate.</summary>
        private byte[] ReadCertificate()
        {
            if (Certificate != null) return Certificate.RawData;
            string path = Pkcs11.FullPath(Path);
            byte[] content = ReadInputFile(path);
            if (content == null) return null;
            try
            {
                return Pkcs11Provisioner.CertificateDer(content);
            }
            catch (ArgumentException ex)
            {
                WriteError(NewError(new ArgumentException($"{UntrustedText.Quote(path)} holds no certificate: {ex.Message}", ex), "InvalidCertificate", ErrorCategory.InvalidData, path));
                return null;
            }
        }

        private static string SubjectName(byte[] der)
        {
            try
            {
                using (var certificate = new X509Certificate2(der)) return certificate.GetNameInfo(X509NameType.SimpleName, false);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                return string.Empty;
            }
        }
    }
}
