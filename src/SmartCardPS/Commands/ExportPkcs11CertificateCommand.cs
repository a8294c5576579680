using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.Os;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Exports a certificate from a PKCS#11 token, as p11tool --export does.</para>
    /// <para type="description">Takes the certificate a pkcs11: URI names (the Uri of a Get-Pkcs11Object certificate,
    /// or a line of p11tool --list-all-certs), or certificates piped from Get-Pkcs11Object. Without -Path it emits the
    /// PEM text (or, with -Format Der, the DER bytes); with -Path it writes the file and emits it as Get-Item does. An
    /// existing file is only replaced with -Force, and the file is written whole or not at all. A URI that names no
    /// certificate, or more than one, is an error.</para>
    /// </summary>
    /// <example>
    /// <code>Export-Pkcs11Certificate -Uri 'pkcs11:token=MyToken;object=My%20cert;type=cert' -Path ~/my-cert.pem</code>
    /// <para>Writes the certificate labelled "My cert" to my-cert.pem in the home folder.</para>
    /// </example>
    /// <example>
    /// <code>Get-Pkcs11Object -Type Certificate -Label 'My cert' |
    ///     Export-Pkcs11Certificate -Path ~/my-cert.der -Format Der -Force</code>
    /// <para>Writes the certificate as DER, replacing my-cert.der.</para>
    /// </example>
    [Cmdlet(VerbsData.Export, "Pkcs11Certificate", DefaultParameterSetName = UriSet, SupportsShouldProcess = true)]
    [OutputType(typeof(string), typeof(byte[]), typeof(FileInfo))]
    public sealed class ExportPkcs11CertificateCommand : SmartCardCmdlet
    {
        private const string UriSet = "Uri";
        private const string ObjectSet = "Object";
        private const string FileSystemProviderPrefix = @"Microsoft.PowerShell.Core\FileSystem::";

        /// <summary>
        /// <para type="description">A pkcs11: URI naming exactly one certificate.</para>
        /// </summary>
        [Parameter(ParameterSetName = UriSet, Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "A pkcs11: URI naming one certificate.")]
        [ArgumentCompleter(typeof(CertificateUriCompleter))]
        [ValidateNotNullOrEmpty]
        public string Uri { get; set; }

        /// <summary>
        /// <para type="description">Certificates from Get-Pkcs11Object.</para>
        /// </summary>
        [Parameter(ParameterSetName = ObjectSet, Mandatory = true, ValueFromPipeline = true, HelpMessage = "Certificates from Get-Pkcs11Object.")]
        [ValidateNotNull]
        public Pkcs11Object Object { get; set; }

        /// <summary>
        /// <para type="description">The file to write. Without it the certificate goes to the pipeline.</para>
        /// </summary>
        [Parameter(Position = 1, HelpMessage = "The file to write.")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>
        /// <para type="description">Pem (the default) or Der.</para>
        /// </summary>
        [Parameter]
        public CertificateFormat Format { get; set; } = CertificateFormat.Pem;

        /// <summary>
        /// <para type="description">Replace an existing file (a read-only one too); as root, write into a directory
        /// another user can write. A link there is never written through.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            Pkcs11Object certificate = ParameterSetName == ObjectSet ? Checked(Object) : FindByUri(Uri);
            if (certificate != null) Export(certificate);
        }

        private Pkcs11Object Checked(Pkcs11Object obj)
        {
            if (obj.Class == Pkcs11ObjectClass.Certificate && obj.Pem != null) return obj;
            WriteError(NewError(new ArgumentException($"{UntrustedText.Quote(obj.Label)} ({obj.Uri}) is not an X.509 certificate."),
                "NotACertificate", ErrorCategory.InvalidArgument, obj));
            return null;
        }

        private Pkcs11Object FindByUri(string uri)
        {
            var parsed = Pkcs11.ParseUri(uri);
            if (parsed == null) return null;
            // A certificate, whatever type= the URI names.
            Pkcs11ObjectQuery query = Pkcs11ObjectQuery.From(parsed);
            query.Class = Pkcs11ObjectClass.Certificate;
            var found = Pkcs11.TokensByUri(parsed).SelectMany(pair =>
            {
                Pkcs11Library library = Pkcs11.Open(pair.Key);
                return library == null ? Enumerable.Empty<Pkcs11Object>() : Read(library, pair.Value, query);
            }).ToList();
            if (found.Count == 1) return Checked(found[0]);
            string shown = Pkcs11UriText.Redact(uri);
            string message = found.Count == 0
                ? $"No certificate matches {UntrustedText.Quote(shown)}. Run Get-Pkcs11Object -Type Certificate to list them and their URIs."
                : $"{UntrustedText.Quote(shown)} names {found.Count} certificates: {string.Join(", ", found.Select(o => o.Uri))}. Give a URI that names one.";
            WriteError(NewError(found.Count == 0 ? new ItemNotFoundException(message) : (Exception)new ArgumentException(message),
                found.Count == 0 ? "CertificateNotFound" : "AmbiguousUri", found.Count == 0 ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidArgument, shown));
            return null;
        }

        private System.Collections.Generic.List<Pkcs11Object> Read(Pkcs11Library library, Pkcs11Token token, Pkcs11ObjectQuery query)
        {
            try
            {
                return Pkcs11ObjectReader.Read(library, token, query);
            }
            catch (Pkcs11ModuleException ex)
            {
                WriteError(NewError(ex, "ReadFailed", CategoryOf(ex.Kind), token));
                return new System.Collections.Generic.List<Pkcs11Object>();
            }
        }

        private void Export(Pkcs11Object certificate)
        {
            byte[] der = certificate.Value ?? certificate.Certificate?.RawData ?? Pkcs11ObjectReader.FromPem(certificate.Pem, "CERTIFICATE");
            if (Path == null)
            {
                if (Format == CertificateFormat.Pem) WriteObject(certificate.Pem);
                else WriteObject(der, enumerateCollection: false);
                return;
            }
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (SafeFile.Exists(path) && !Force)
            {
                WriteError(NewError(new IOException($"{UntrustedText.Quote(path)} exists; use -Force to replace it."), "FileExists", ErrorCategory.ResourceExists, path));
                return;
            }
            if (!ShouldProcess(UntrustedText.Escape(path), $"Write certificate {UntrustedText.Quote(certificate.Label)} as {Format}")) return;
            try
            {
                AtomicFile.Write(path, Format == CertificateFormat.Pem ? Encoding.ASCII.GetBytes(certificate.Pem) : der, NewFile.UserFile.WithForce(Force));
                // The item as Get-Item gives it (PSPath, PSParentPath, PSProvider), so it lists with its Mode, size and
                // Directory header; provider-qualified, so it is found from any current location (Env:, Cert:).
                WriteObject(InvokeProvider.Item.Get(new[] { FileSystemProviderPrefix + path }, true, true), enumerateCollection: true);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteFileError(ex, path, "give -Path a file in a directory you may write.");
            }
        }
    }
}
