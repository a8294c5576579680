using System;
using System.Management.Automation;
using System.Security;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes certificates, keys and data objects from PKCS#11 tokens (C_DestroyObject), as p11tool --delete and pkcs11-tool --delete-object do.</para>
    /// <para type="description">Takes objects piped from Get-Pkcs11Object, a pkcs11: URI naming objects (object=, id=, type=; the Uri of an object or a line p11tool prints), or -Token with -Label, -Id and -Type. A selection that matches several objects removes none without -Force and lists them; one that matches nothing is an error. Each object is confirmed by its Uri (ConfirmImpact High: PowerShell asks unless -Confirm:$false). The user logs in first when the token requires it (its PIN from -Pin, -Credential, the URI's pin-value or pin-source, the PIN pad, or a prompt), once, in a read-write session closed before the command returns; a wrong PIN is reported once and never retried. -WhatIf loads no module. Writes nothing to the pipeline; -Verbose names each object removed.</para>
    /// </summary>
    /// <example>
    /// <code>Get-Pkcs11Object -Token MyToken -Label 'My cert' -Type Certificate | Remove-Pkcs11Object -WhatIf</code>
    /// <para>Shows which certificate would be removed from MyToken, by its URI; nothing is loaded or changed.</para>
    /// </example>
    /// <example>
    /// <code>Remove-Pkcs11Object -Uri 'pkcs11:token=MyToken;type=cert?pin-value=1234' -Force -WhatIf</code>
    /// <para>Shows the removal of every certificate on MyToken; without -WhatIf, -Force lets one URI remove them all after confirming each.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Remove, "Pkcs11Object", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ObjectSet)]
    public sealed class RemovePkcs11ObjectCommand : Pkcs11WriteCmdlet
    {
        private const string ObjectSet = "Object";
        private const string Action = "Remove (C_DestroyObject)";

        /// <summary>
        /// <para type="description">Objects from Get-Pkcs11Object. Each is found again by its class, label and id on its token (found by its TokenUri among the registered modules).</para>
        /// </summary>
        [Parameter(ParameterSetName = ObjectSet, Mandatory = true, ValueFromPipeline = true, HelpMessage = "Objects from Get-Pkcs11Object.")]
        [ValidateNotNull]
        public Pkcs11Object[] InputObject { get; set; }

        /// <summary>
        /// <para type="description">With -Token: the exact CKA_LABEL of the objects to remove.</para>
        /// </summary>
        [Parameter(ParameterSetName = TokenSet, HelpMessage = "The exact label of the objects to remove.")]
        [ValidateNotNull]
        public string Label { get; set; }

        /// <summary>
        /// <para type="description">With -Token: the CKA_ID of the objects to remove, in hex (0102ff, 01:02:ff).</para>
        /// </summary>
        [Parameter(ParameterSetName = TokenSet, HelpMessage = "The object id in hex.")]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; }

        /// <summary>
        /// <para type="description">With -Token: only objects of this class (Certificate, PrivateKey, PublicKey, SecretKey, Data).</para>
        /// </summary>
        [Parameter(ParameterSetName = TokenSet, HelpMessage = "Certificate, PrivateKey, PublicKey, SecretKey or Data.")]
        [ValidateSet("Certificate", "PrivateKey", "PublicKey", "SecretKey", "Data")]
        public Pkcs11ObjectClass? Type { get; set; }

        /// <summary>
        /// <para type="description">Remove every object the selection matches, not only when it matches exactly one.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// <para type="description">The user PIN, as a SecureString; used when the token requires a login (private objects are found only then).</para>
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
            RefuseTwoPins(Pin, Credential);
            if (Id != null && (idBytes = Hex.TryParse(Id)) == null)
            {
                ThrowTerminatingError(NewError(new ArgumentException($"-Id {UntrustedText.Quote(Id)} is not hex: give bytes as 0102ff or 01:02:ff."),
                    "InvalidId", ErrorCategory.InvalidArgument, Id));
            }
            if (ParameterSetName == TokenSet && Label == null && Id == null && Type == null)
            {
                ThrowTerminatingError(NewError(new ArgumentException("Give -Label, -Id or -Type to say which objects to remove (Initialize-Pkcs11Token erases a whole token)."),
                    "SelectorRequired", ErrorCategory.InvalidArgument, null));
            }
        }

        protected override void ProcessRecord()
        {
            SecureString pin = Pin ?? Credential?.Password;
            if (ParameterSetName == ObjectSet)
            {
                foreach (Pkcs11Object obj in InputObject)
                    ApplyToObjects(null, obj.TokenUri, QueryFor(obj), UntrustedText.Quote(obj.Uri), Action, Force, pin, Remove);
                return;
            }
            if (ParameterSetName == TokenSet)
            {
                var query = new Pkcs11ObjectQuery { Label = Label, Id = idBytes, Class = Type };
                ApplyToObjects(Token, null, query, $"{Describe(Token, null)}{Selection(query)}", Action, Force, pin, Remove);
                return;
            }
            var parsed = ParseUri(Uri);
            if (parsed == null) return;
            if (parsed.Object == null && parsed.Id == null && parsed.Type == null)
            {
                WriteError(NewError(new ArgumentException($"{UntrustedText.Quote(Pkcs11Uri.Redact(Uri))} names no object (object=, id= or type=); Initialize-Pkcs11Token erases a whole token."),
                    "SelectorRequired", ErrorCategory.InvalidArgument, Pkcs11Uri.Redact(Uri)));
                return;
            }
            var byUri = new Pkcs11ObjectQuery { Label = parsed.Object, Id = parsed.Id, Class = Pkcs11Uri.ObjectClass(parsed) };
            ApplyToObjects(null, Uri, byUri, UntrustedText.Quote(Pkcs11Uri.Redact(Uri)), Action, Force, pin, Remove);
        }

        private static System.Collections.Generic.List<Pkcs11Object> Remove(Target target, Pkcs11ObjectQuery query,
            Func<System.Collections.Generic.IReadOnlyList<Pkcs11Object>, System.Collections.Generic.IEnumerable<Pkcs11Object>> choose) =>
            Pkcs11Provisioner.Remove(target.Library, target.Token, query, choose);

        private static string Selection(Pkcs11ObjectQuery query) =>
            (query.Label != null ? $", label {UntrustedText.Quote(query.Label)}" : string.Empty)
            + (query.Id != null ? $", id {Hex.FormatLower(query.Id)}" : string.Empty)
            + (query.Class != null ? $", type {query.Class}" : string.Empty);
    }
}
