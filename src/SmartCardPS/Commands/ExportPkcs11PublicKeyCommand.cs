using System;
using System.Collections.Generic;
using System.IO;
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
    /// <para type="synopsis">Exports the public key of a key pair or certificate on a PKCS#11 token, as p11tool
    /// --export-pubkey and ssh-keygen -D do.</para>
    /// <para type="description">Takes keys and certificates piped from Get-Pkcs11Object or New-Pkcs11KeyPair, or a
    /// pkcs11: URI. A public key is read from its own attributes; a private key's public half is the public key with
    /// its CKA_ID, or what the private key itself holds; a certificate's is its SubjectPublicKeyInfo. A URI without
    /// type= looks for a public key, then a certificate, then (after logging in) a private key. -Format Pem (the
    /// default) is byte for byte what p11tool --export-pubkey writes, Der the same as DER, OpenSsh the line ssh-keygen
    /// -D prints (the label as the comment). Each key is exported once per run, however many of its objects (public
    /// key, private key, certificates) are piped, as ssh-keygen -D lists it. Without -Path the key goes to the
    /// pipeline; with -Path the file is written whole or not at all, an existing one only replaced with -Force, and a
    /// second key for the same file refused.</para>
    /// </summary>
    /// <example>
    /// <code>Get-Pkcs11Object -Uri 'pkcs11:token=MyToken;type=public' | Export-Pkcs11PublicKey -Format OpenSsh</code>
    /// <para>Lists an authorized_keys line for each public key on MyToken, as ssh-keygen -D prints them.</para>
    /// </example>
    /// <example>
    /// <code>Export-Pkcs11PublicKey -Uri 'pkcs11:token=MyToken;object=My%20key;type=public' `
    ///     -Path ~/my-key.pub.pem -Force</code>
    /// <para>Writes the public key of the key pair "My key" as PEM to my-key.pub.pem in the home folder.</para>
    /// </example>
    [Cmdlet(VerbsData.Export, "Pkcs11PublicKey", DefaultParameterSetName = UriSet, SupportsShouldProcess = true)]
    [OutputType(typeof(string), typeof(byte[]), typeof(FileInfo))]
    public sealed class ExportPkcs11PublicKeyCommand : Pkcs11KeyCmdlet
    {
        private const string KeySet = "Key";
        private const string UriSet = "Uri";

        /// <summary>
        /// <para type="description">Public keys, private keys or certificates from Get-Pkcs11Object or
        /// New-Pkcs11KeyPair.</para>
        /// </summary>
        [Parameter(ParameterSetName = KeySet, Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "Keys or certificates from Get-Pkcs11Object.")]
        [ValidateNotNull]
        public Pkcs11Object Key { get; set; }

        /// <summary>
        /// <para type="description">A pkcs11: URI naming one key pair or certificate.</para>
        /// </summary>
        [Parameter(ParameterSetName = UriSet, Mandatory = true, Position = 0, HelpMessage = "A pkcs11: URI naming one key.")]
        [ArgumentCompleter(typeof(ObjectUriCompleter))]
        [ValidateNotNullOrEmpty]
        public string Uri { get; set; }

        /// <summary>
        /// <para type="description">Pem (the default), Der or OpenSsh.</para>
        /// </summary>
        [Parameter]
        public PublicKeyFormat Format { get; set; } = PublicKeyFormat.Pem;

        /// <summary>
        /// <para type="description">The file to write. Without it the key goes to the pipeline.</para>
        /// </summary>
        [Parameter(Position = 1, HelpMessage = "The file to write.")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>
        /// <para type="description">Replace an existing file; as root, write into a directory another user can write. A
        /// link there is never written through.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        // Each key once per run, as ssh-keygen -D lists it: a token holds one key as its public key, its private key and
        // its certificates, and Get-Pkcs11Object pipes them all. Keyed by the DER SubjectPublicKeyInfo.
        private readonly HashSet<string> exported = new HashSet<string>(StringComparer.Ordinal);

        // The files this run wrote, and which key each holds: a later input with the same key is skipped, another key
        // refused.
        private readonly Dictionary<string, string> written = new Dictionary<string, string>(StringComparer.Ordinal);

        protected override void ProcessRecord()
        {
            string path = Path == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (path != null)
            {
                if (SafeFile.Exists(path) && !Force && !written.ContainsKey(path))
                {
                    WriteError(NewError(new IOException($"{UntrustedText.Quote(path)} exists; use -Force to replace it."), "FileExists", ErrorCategory.ResourceExists, path));
                    return;
                }
                // Before any module is loaded: -WhatIf loads none.
                string what = Key != null ? UntrustedText.Quote(Key.Label) : UntrustedText.Quote(Pkcs11UriText.Redact(Uri));
                if (!ShouldProcess(UntrustedText.Escape(path), $"Write the public key of {what} as {Format}")) return;
            }
            if (ParameterSetName == KeySet)
            {
                TokenTarget? target = TokenOf(Key);
                if (target != null) Export(target.Value, Key, path);
                return;
            }
            foreach (TokenTarget target in TokensOfUri(Uri)) Export(target, null, path);
        }

        private void Export(TokenTarget target, Pkcs11Object piped, string path)
        {
            Pkcs11ObjectClass? type = piped?.Class ?? Pkcs11UriText.ObjectClass(target.Parsed);
            Pkcs11PublicKey key = null;
            if (type != Pkcs11ObjectClass.PrivateKey)
            {
                // A URI without type= may still name a private key: finding no public one is then no error yet.
                bool last = type != null;
                InSession(target, readWrite: false, login: false, piped, session => key = Read(session, piped, target, last, Pkcs11ObjectClass.PublicKey, Pkcs11ObjectClass.Certificate));
                if (key == null && type != null) return;
            }
            if (key == null)
                InSession(target, readWrite: false, login: true, piped, session => key = Read(session, piped, target, true, Pkcs11ObjectClass.PrivateKey));
            if (key != null) Write(key, path);
        }

        private Pkcs11PublicKey Read(Pkcs11KeySession session, Pkcs11Object piped, TokenTarget target, bool reportMissing, params Pkcs11ObjectClass[] classes)
        {
            var found = FindKeys(session, piped, target, reportMissing, classes);
            if (found.Count > 1)
            {
                WriteError(NewError(new ArgumentException($"{UntrustedText.Quote(Pkcs11UriText.Redact(target.Uri))} names {found.Count} objects: {string.Join(", ", found.ConvertAll(o => o.Uri))}. Give a URI that names one."),
                    "AmbiguousKey", ErrorCategory.InvalidArgument, Pkcs11UriText.Redact(target.Uri)));
                return null;
            }
            return found.Count == 1 ? Pkcs11PublicKeyReader.Read(session, found[0]) : null;
        }

        private void Write(Pkcs11PublicKey key, string path)
        {
            string text = Format == PublicKeyFormat.Pem ? key.Pem : Format == PublicKeyFormat.OpenSsh ? key.OpenSsh : null;
            if (Format == PublicKeyFormat.OpenSsh && text == null)
            {
                WriteError(NewError(new NotSupportedException($"OpenSSH has no name for {key.KeyType} keys on {key.Curve}: export them as Pem or Der."),
                    "NoOpenSshName", ErrorCategory.NotImplemented, key.Uri));
                return;
            }
            string der = Convert.ToBase64String(key.Der);
            if (!exported.Add(der))
            {
                WriteVerbose($"{UntrustedText.Quote(key.Uri)} holds the same public key as an earlier input, exported once.");
                return;
            }
            if (path != null && written.ContainsKey(path))
            {
                WriteError(NewError(new IOException($"{UntrustedText.Quote(path)} already holds the public key of {UntrustedText.Quote(written[path])}, and {UntrustedText.Quote(key.Uri)} has another: give each key its own -Path."),
                    "OnePathSeveralKeys", ErrorCategory.InvalidArgument, key.Uri));
                return;
            }
            if (path == null)
            {
                if (text != null) WriteObject(text);
                else WriteObject(key.Der, enumerateCollection: false);
                return;
            }
            try
            {
                byte[] bytes = text != null ? Encoding.ASCII.GetBytes(Format == PublicKeyFormat.OpenSsh ? text + "\n" : text) : key.Der;
                AtomicFile.Write(path, bytes, NewFile.UserFile.WithForce(Force));
                written[path] = key.Uri;
                WriteObject(new FileInfo(path));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteFileError(ex, path, "give -Path a file in a directory you may write.");
            }
        }
    }
}
