using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.P11Kit;
using SmartCardPS.Parameters;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;
using Pkcs11Uri = Net.Pkcs11Interop.Common.Pkcs11Uri;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the certificates, keys and data objects on PKCS#11 tokens, as p11tool --list-all
    /// does.</para>
    /// <para type="description">For each token piped from Get-Pkcs11Token, each token a pkcs11: URI names, or (with
    /// neither) every token of every enabled registered module, emits one Pkcs11Object per object: Label, Id (hex),
    /// Class, KeyType, KeySize or Curve, Flags (Token, Private, Modifiable, Sensitive, Extractable, Sign, Decrypt,
    /// ...), the token, and its Uri exactly as p11tool --list-all prints it. Certificates also carry Certificate (an
    /// X509Certificate2: Subject, Issuer, NotAfter, Thumbprint) and Pem.</para>
    /// <para type="description">Without -Login only public objects are listed, as p11tool does. With -Login the user
    /// logs in first; the PIN comes from -Pin, -Credential, the URI's pin-value or pin-source, the reader's PIN pad
    /// (tokens with a protected authentication path), or a prompt. A PIN is never taken from a plain string parameter
    /// and never written to any stream. A wrong PIN is reported once, with the token's PIN counter flags, and never
    /// retried. Sessions are read-only and are logged out and closed before the command returns.</para>
    /// </summary>
    /// <example>
    /// <code>Get-Pkcs11Object -Type Certificate | Select-Object Label, Uri</code>
    /// <para>Lists the certificates on every token with the URIs Firefox, OpenSSH (PKCS11Provider), GnuTLS and OpenSSL
    /// take.</para>
    /// </example>
    /// <example>
    /// <code>Get-Pkcs11Object -Uri 'pkcs11:token=MyToken?pin-value=1234' -Login |
    ///     Where-Object Class -eq PrivateKey</code>
    /// <para>Logs in to MyToken with the PIN in the URI (RFC 7512's pin-value, fit for a test token) and lists its
    /// private keys. For a real card give -Pin (Read-Host -AsSecureString), -Credential, or a pin-source file, or let
    /// it prompt.</para>
    /// </example>
    /// <example>
    /// <code>(Get-Pkcs11Object -Uri 'pkcs11:token=MyToken;type=cert').Certificate |
    ///     Select-Object Subject, NotAfter, Thumbprint</code>
    /// <para>Shows when the certificates on MyToken expire.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "Pkcs11Object", DefaultParameterSetName = TokenSet)]
    [OutputType(typeof(Pkcs11Object))]
    public sealed class GetPkcs11ObjectCommand : Pkcs11TokenInputCmdlet
    {
        /// <summary>
        /// <para type="description">Only objects of these classes: Certificate, PrivateKey, PublicKey, SecretKey,
        /// Data.</para>
        /// </summary>
        [Parameter(HelpMessage = "Certificate, PrivateKey, PublicKey, SecretKey or Data.")]
        [ValidateSet("Certificate", "PrivateKey", "PublicKey", "SecretKey", "Data")]
        public Pkcs11ObjectClass[] Type { get; set; }

        /// <summary>
        /// <para type="description">Only objects whose label matches one of these names (wildcards allowed,
        /// case-insensitive). A name without wildcards that matches nothing is an error.</para>
        /// </summary>
        [Parameter(HelpMessage = "Object labels; wildcards allowed.")]
        [ArgumentCompleter(typeof(ObjectLabelCompleter))]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Label { get; set; }

        /// <summary>
        /// <para type="description">Only objects with this CKA_ID, in hex: 0102ff, 01:02:ff and '01 02 ff' are the
        /// same.</para>
        /// </summary>
        [Parameter(HelpMessage = "The object id in hex.")]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; }

        /// <summary>
        /// <para type="description">Log in as the token's user, so private objects (private keys, private data) are
        /// listed too. -Pin and -Credential imply it.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Login { get; set; }

        /// <summary>
        /// <para type="description">The user PIN, as a SecureString (Read-Host -AsSecureString). Without -Pin,
        /// -Credential or a PIN in the URI, -Login uses the reader's PIN pad or prompts.</para>
        /// </summary>
        [Parameter(HelpMessage = "The user PIN as a SecureString.")]
        [ValidateNotNull]
        [SecurePinTransformation]
        public SecureString Pin { get; set; }

        /// <summary>
        /// <para type="description">A credential whose password is the user PIN (the user name is not used), e.g. from
        /// Get-Credential or a SecretManagement vault.</para>
        /// </summary>
        [Parameter(HelpMessage = "A credential whose password is the user PIN.")]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        /// <summary>
        /// <para type="description">Registered module names (as Get-Pkcs11Module lists them) or library paths, as
        /// Get-Pkcs11Token's -Module takes them: only their tokens are listed, so no other module is loaded (OpenSC
        /// takes seconds probing a card it does not know). Without it, and without -Token or -Uri, every enabled
        /// registered module is used.</para>
        /// </summary>
        [Parameter(ParameterSetName = TokenSet, HelpMessage = "Registered module names or library paths.")]
        [Alias("ModulePath")]
        [ArgumentCompleter(typeof(ModuleNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Module { get; set; }

        private byte[] idBytes;
        private NameFilter labels;
        private List<Pkcs11Module> selectedModules;
        private readonly List<Pkcs11Object> seen = new List<Pkcs11Object>();

        // Resolved once: each -Module value that names nothing is one ModuleNotFound error, not one per token label.
        protected override IEnumerable<Pkcs11Module> SelectedModules() =>
            Module == null ? null : selectedModules ?? (selectedModules = Pkcs11.ResolveModules(Module));

        protected override void BeginProcessing()
        {
            if (Pin != null && Credential != null)
            {
                ThrowTerminatingError(NewError(new ArgumentException("Give the PIN once: -Pin or -Credential, not both."),
                    "PinConflict", ErrorCategory.InvalidArgument, null));
            }
            idBytes = HexIdOrStop(Id, "-Id");
            labels = Label == null ? null : new NameFilter(Label);
        }

        protected override void ProcessToken(Pkcs11Module module, Pkcs11Token token, string uri, Pkcs11Uri parsed)
        {
            List(module, token, Query(parsed), uri, parsed);
        }

        protected override void Finish()
        {
            // What this run saw (before -Type and -Label chose) is what Tab on -Label offers next in this session.
            ObjectLabelCompleter.Remember(seen);
            foreach (string label in labels?.UnmatchedLiterals ?? Array.Empty<string>())
            {
                WriteError(NewError(new ItemNotFoundException($"No object labelled {UntrustedText.Quote(label)} was found{(Login || Pin != null || Credential != null ? string.Empty : " (private objects are listed only with -Login)")}."),
                    "NotFound", ErrorCategory.ObjectNotFound, label));
            }
        }

        /// <summary>The search template: -Id, and from a URI its object, id and type; a single -Type goes in
        /// too.</summary>
        private Pkcs11ObjectQuery Query(Pkcs11Uri uri)
        {
            var query = Pkcs11ObjectQuery.From(uri) ?? new Pkcs11ObjectQuery();
            query.Id = query.Id ?? idBytes;
            if (query.Class == null && Type != null && Type.Length == 1) query.Class = Type[0];
            query.Login = Login || Pin != null || Credential != null;
            return query;
        }

        private void List(Pkcs11Module module, Pkcs11Token token, Pkcs11ObjectQuery query, string uri, Pkcs11Uri parsed)
        {
            if (!token.Flags.HasFlag(Pkcs11TokenFlags.TokenInitialized))
            {
                // As p11tool does: an uninitialised token (SoftHSM's spare slot, a blank card) has no objects to list.
                WriteVerbose($"Skipping token {UntrustedText.Quote(token.Label)} in slot {token.SlotId}: it is not initialised.");
                return;
            }
            Pkcs11Library library = Pkcs11.Open(module);
            if (library == null) return;
            Pkcs11Pin pin = null;
            try
            {
                if (query.Login)
                {
                    if (!Pkcs11.PinFor(token, Pin ?? Credential?.Password, uri, parsed, "user PIN", out pin, "give -Pin, -Credential or a URI with pin-source")) return;
                    query.Pin = pin?.Bytes;
                }
                WriteVerbose($"Listing the objects of token {UntrustedText.Quote(token.Label)}{(query.Login ? " after logging in" : string.Empty)}.");
                List<Pkcs11Object> read = Pkcs11ObjectReader.Read(library, token, query);
                seen.AddRange(read);
                foreach (Pkcs11Object obj in read)
                {
                    if (Selected(obj)) WriteObject(obj);
                }
            }
            catch (Pkcs11LoginException ex)
            {
                WriteError(NewError(ex, ex.Failure.ToString(), ErrorCategory.AuthenticationError, token));
            }
            catch (Pkcs11ModuleException ex)
            {
                WriteError(NewError(ex, "ReadFailed", CategoryOf(ex.Kind), token));
            }
            finally
            {
                pin?.Dispose();
                query.Pin = null;
            }
        }

        private bool Selected(Pkcs11Object obj)
        {
            if (Type != null && Type.Length > 1 && !Type.Contains(obj.Class)) return false;
            return labels == null || labels.IsMatch(obj.Label);
        }
    }
}
