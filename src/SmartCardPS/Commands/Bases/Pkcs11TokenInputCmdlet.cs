using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.Completion;
using SmartCardPS.P11Kit;
using SmartCardPS.Parameters;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;
using Pkcs11Uri = Net.Pkcs11Interop.Common.Pkcs11Uri;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>
    /// The cmdlets that work on each token given as -Token (or piped from Get-Pkcs11Token), named by -Uri, or,
    /// with neither, every token of every enabled registered module: they implement <see cref="ProcessToken"/>.
    /// </summary>
    public abstract class Pkcs11TokenInputCmdlet : SmartCardCmdlet
    {
        protected const string TokenSet = "Token";
        protected const string UriSet = "Uri";

        /// <summary>
        /// <para type="description">Tokens from Get-Pkcs11Token, or token labels (an exact label always matches;
        /// wildcards are allowed). Without -Token or -Uri, every token of every enabled registered module.</para>
        /// </summary>
        [Parameter(ParameterSetName = TokenSet, Position = 0, ValueFromPipeline = true, HelpMessage = "Tokens from Get-Pkcs11Token, or token labels.")]
        [TokenLabelTransformation]
        [ArgumentCompleter(typeof(TokenLabelCompleter))]
        [ValidateNotNull]
        public Pkcs11Token[] Token { get; set; }

        /// <summary>
        /// <para type="description">RFC 7512 pkcs11: URIs, such as the Uri property of a token or object or a line
        /// p11tool prints. Any of token, manufacturer, model, serial, slot-description, slot-manufacturer, slot-id,
        /// library-description, library-manufacturer, library-version pick the tokens, and module-name or module-path
        /// the library; Get-Pkcs11Object also takes object, id and type, and pin-value or pin-source for -Login (a
        /// pin-value shows as pin-value=*** in every message and error). A path attribute RFC 7512 does not define is
        /// an InvalidUri error (such a URI could match nothing); query attributes it does not know are ignored.</para>
        /// </summary>
        [Parameter(ParameterSetName = UriSet, Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "pkcs11: URIs naming tokens.")]
        [ArgumentCompleter(typeof(TokenUriCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Uri { get; set; }

        private bool sawInput;

        /// <summary>The modules whose tokens "every token" means; null for every enabled registered module.</summary>
        protected virtual IEnumerable<Pkcs11Module> SelectedModules() => null;

        /// <summary>Does the work for one token; <paramref name="uri"/> and its parsed form are null unless it came
        /// from -Uri.</summary>
        protected abstract void ProcessToken(Pkcs11Module module, Pkcs11Token token, string uri, Pkcs11Uri parsed);

        protected override void ProcessRecord()
        {
            if (ParameterSetName == UriSet)
            {
                foreach (string uri in Uri) EmitByUri(uri);
                return;
            }
            if (Token == null) return;
            sawInput = true;
            foreach (Pkcs11Token token in Token)
            {
                if (token.LabelOnly)
                {
                    ProcessTokensLabelled(token.Label);
                    continue;
                }
                Pkcs11Token current = Pkcs11.CurrentToken(token, out Pkcs11Module module);
                if (current != null) ProcessToken(module, current, null, null);
            }
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == TokenSet && !sawInput)
            {
                foreach (var pair in Pkcs11.AllTokens(SelectedModules())) ProcessToken(pair.Key, pair.Value, null, null);
            }
            Finish();
            base.EndProcessing();
        }

        /// <summary>Runs after every token was done, before the libraries are finalized.</summary>
        protected virtual void Finish()
        {
        }

        private void ProcessTokensLabelled(string label)
        {
            var all = Pkcs11.AllTokens(SelectedModules()).ToList();
            var filter = new NameFilter(new[] { label }).Among(all.Select(pair => pair.Value.Label));
            var tokens = all.Where(pair => filter.IsMatch(pair.Value.Label)).ToList();
            foreach (var pair in tokens) ProcessToken(pair.Key, pair.Value, null, null);
            // A URI given without -Uri binds to -Token as a label: it is shown (and is the error's target) redacted.
            WriteNotFound(filter, l => $"No PKCS#11 token labelled {UntrustedText.Quote(Pkcs11UriText.Redact(l))} was found. Run Get-Pkcs11Token to list the tokens.", "TokenNotFound", Pkcs11UriText.Redact);
        }

        private void EmitByUri(string uri)
        {
            var tokens = Pkcs11.TokensNamedBy(uri, out var parsed);
            foreach (var pair in tokens) ProcessToken(pair.Key, pair.Value, uri, parsed);
        }
    }
}
