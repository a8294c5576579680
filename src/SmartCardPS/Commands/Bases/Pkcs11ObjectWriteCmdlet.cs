using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using SmartCardPS.Completion;
using SmartCardPS.Parameters;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>
    /// The cmdlets that change objects (Remove-Pkcs11Object, Set-Pkcs11Object): objects piped from Get-Pkcs11Object, a
    /// URI naming objects, or -Token with -Label, -Id and -Type; each selection goes to <see cref="Apply"/> in one
    /// session. Finding the token and picking the objects are <see cref="Pkcs11TokenWriter"/>'s.
    /// </summary>
    public abstract class Pkcs11ObjectWriteCmdlet : SmartCardCmdlet
    {
        protected const string ObjectSet = "Object";
        protected const string TokenSet = "Token";
        protected const string UriSet = "Uri";

        private Pkcs11TokenWriter writer;

        private Pkcs11TokenWriter Writer => writer ?? (writer = new Pkcs11TokenWriter(this, Pkcs11));

        /// <summary>What ShouldProcess says is done to each object.</summary>
        protected abstract string Action { get; }

        /// <summary>
        /// The Pkcs11Provisioner call on the objects <paramref name="choose"/> picks; returns them as they are after
        /// it.
        /// </summary>
        private protected abstract List<Pkcs11Object> Apply(Pkcs11WriteTarget target, Pkcs11ObjectQuery query, Func<IReadOnlyList<Pkcs11Object>, IEnumerable<Pkcs11Object>> choose);

        /// <summary>Runs once the selection is checked, for the cmdlet's own parameters.</summary>
        protected virtual void CheckParameters()
        {
        }
        /// <summary>
        /// <para type="description">Objects from Get-Pkcs11Object. Each is found again by its class, label and id on
        /// its token (found by its TokenUri among the registered modules).</para>
        /// </summary>
        [Parameter(ParameterSetName = ObjectSet, Mandatory = true, ValueFromPipeline = true, HelpMessage = "Objects from Get-Pkcs11Object.")]
        [ValidateNotNull]
        public Pkcs11Object[] InputObject { get; set; }

        /// <summary>
        /// <para type="description">The token whose objects -Label, -Id and -Type select: from Get-Pkcs11Token, or its
        /// label (an exact label always matches; a wildcard must match exactly one token).</para>
        /// </summary>
        [Parameter(ParameterSetName = TokenSet, Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The token, from Get-Pkcs11Token, or its label.")]
        [TokenLabelTransformation]
        [ArgumentCompleter(typeof(TokenLabelCompleter))]
        [ValidateNotNull]
        public Pkcs11Token Token { get; set; }

        /// <summary>
        /// <para type="description">A pkcs11: URI naming the objects on exactly one token, by object, id and type, such
        /// as the Uri of an object from Get-Pkcs11Object or a line p11tool prints. Its pin-value or pin-source gives
        /// the PIN the command logs in with (a pin-value shows as pin-value=*** in every message).</para>
        /// </summary>
        [Parameter(ParameterSetName = UriSet, Mandatory = true, Position = 0, HelpMessage = "A pkcs11: URI naming one token and its objects.")]
        [ArgumentCompleter(typeof(TokenUriCompleter))]
        [ValidateNotNullOrEmpty]
        public string Uri { get; set; }

        /// <summary>
        /// <para type="description">With -Token: the exact CKA_LABEL of the objects.</para>
        /// </summary>
        [Parameter(ParameterSetName = TokenSet, HelpMessage = "The exact label of the objects.")]
        [ArgumentCompleter(typeof(ExactObjectLabelCompleter))]
        [ValidateNotNull]
        public string Label { get; set; }

        /// <summary>
        /// <para type="description">With -Token: the CKA_ID of the objects, in hex (0102ff, 01:02:ff).</para>
        /// </summary>
        [Parameter(ParameterSetName = TokenSet, HelpMessage = "The object id in hex.")]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; }

        /// <summary>
        /// <para type="description">With -Token: only objects of this class (Certificate, PrivateKey, PublicKey,
        /// SecretKey, Data).</para>
        /// </summary>
        [Parameter(ParameterSetName = TokenSet, HelpMessage = "Certificate, PrivateKey, PublicKey, SecretKey or Data.")]
        [ValidateSet("Certificate", "PrivateKey", "PublicKey", "SecretKey", "Data")]
        public Pkcs11ObjectClass? Type { get; set; }

        /// <summary>
        /// <para type="description">Act on every object the selection matches, not only when it matches exactly
        /// one.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// <para type="description">The user PIN, as a SecureString; used when the token requires a login (private
        /// objects are found only then).</para>
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

        protected sealed override void BeginProcessing()
        {
            Pkcs11.RefuseTwoPins(Pin, Credential);
            idBytes = HexIdOrStop(Id, "-Id");
            if (ParameterSetName == TokenSet && Label == null && Id == null && Type == null)
            {
                ThrowTerminatingError(NewError(new ArgumentException("Give -Label, -Id or -Type to say which objects (Initialize-Pkcs11Token erases a whole token)."),
                    "SelectorRequired", ErrorCategory.InvalidArgument, null));
            }
            CheckParameters();
        }

        protected sealed override void ProcessRecord()
        {
            SecureString pin = Pin ?? Credential?.Password;
            if (ParameterSetName == ObjectSet)
            {
                foreach (Pkcs11Object obj in InputObject)
                    Writer.ApplyToObjects(null, obj.TokenUri, Pkcs11TokenWriter.QueryFor(obj), UntrustedText.Quote(obj.Uri), Action, Force, pin, Apply);
                return;
            }
            if (ParameterSetName == TokenSet)
            {
                var query = new Pkcs11ObjectQuery { Label = Label, Id = idBytes, Class = Type };
                Writer.ApplyToObjects(Token, null, query, $"{Pkcs11TokenWriter.Describe(Token, null)}{Selection(query)}", Action, Force, pin, Apply);
                return;
            }
            var parsed = Pkcs11.ParseUri(Uri);
            if (parsed == null) return;
            if (parsed.Object == null && parsed.Id == null && parsed.Type == null)
            {
                WriteError(NewError(new ArgumentException($"{UntrustedText.Quote(Pkcs11UriText.Redact(Uri))} names no object (object=, id= or type=); Initialize-Pkcs11Token erases a whole token."),
                    "SelectorRequired", ErrorCategory.InvalidArgument, Pkcs11UriText.Redact(Uri)));
                return;
            }
            Writer.ApplyToObjects(null, Uri, Pkcs11ObjectQuery.From(parsed), UntrustedText.Quote(Pkcs11UriText.Redact(Uri)), Action, Force, pin, Apply);
        }

        private static string Selection(Pkcs11ObjectQuery query) =>
            (query.Label != null ? $", label {UntrustedText.Quote(query.Label)}" : string.Empty)
            + (query.Id != null ? $", id {Hex.FormatLower(query.Id)}" : string.Empty)
            + (query.Class != null ? $", type {query.Class}" : string.Empty);
    }
}
