using System;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.Parameters;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Generates a key pair on a PKCS#11 token (C_GenerateKeyPair), as p11tool --generate-privkey
    /// does.</para>
    /// <para type="description">Generates an RSA (-KeySize, 2048 by default), EC (-Curve P-256, P-384 or P-521) or
    /// EdDSA (Ed25519) key pair on the token given by -Token or -Uri (-Curve alone chooses EC or EdDSA), with
    /// p11tool's templates: both keys are token objects with the same -Label and -Id (20 random bytes unless given),
    /// the private key is private, sensitive and not extractable (unless -Extractable), and -Usage sets what the keys
    /// may do (p11tool's default: Sign, Decrypt and Wrap for RSA and EC; Sign for EdDSA). A mechanism the token does
    /// not list, or a key size outside its range, is refused before anything is generated, with what the token
    /// offers; so is, before any module is loaded, a parameter that does not fit the algorithm (-Curve for RSA,
    /// -KeySize for a curve). Emits the private and the public key as Get-Pkcs11Object lists them, with the URIs
    /// p11tool prints.</para>
    /// <para type="description">The user logs in once (PIN from -Pin, -Credential, the URI's pin-value or pin-source,
    /// the PIN pad, or a prompt); a wrong PIN is reported once and never retried. With -WhatIf no module is
    /// loaded.</para>
    /// </summary>
    /// <example>
    /// <code>New-Pkcs11KeyPair -Uri 'pkcs11:token=MyToken?pin-value=1234' -Algorithm Ec -Curve P-256 `
    ///     -Label 'web server'</code>
    /// <para>Generates a P-256 key pair labelled "web server" on MyToken (the PIN in the URI is fit for a test token;
    /// for a real card give -Pin or let it prompt).</para>
    /// </example>
    /// <example>
    /// <code>New-Pkcs11KeyPair -Token MyToken -Algorithm Rsa -KeySize 3072 -Label backup -Usage Decrypt, Wrap `
    ///     -WhatIf</code>
    /// <para>Says what would be generated, without loading any module or asking for the PIN.</para>
    /// </example>
    /// <example>
    /// <code>New-Pkcs11KeyPair -Token MyToken -Curve Ed25519 -Label ssh -WhatIf</code>
    /// <para>-Curve alone chooses the algorithm: this would be an Ed25519 (EdDSA) key pair.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "Pkcs11KeyPair", DefaultParameterSetName = TokenSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(Pkcs11Object))]
    public sealed class NewPkcs11KeyPairCommand : Pkcs11KeyCmdlet
    {
        private const string TokenSet = "Token";
        private const string UriSet = "Uri";

        /// <summary>
        /// <para type="description">The token, from Get-Pkcs11Token or by label (an exact label always matches; a
        /// wildcard must match exactly one token).</para>
        /// </summary>
        [Parameter(ParameterSetName = TokenSet, Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The token, or its label.")]
        [TokenLabelTransformation]
        [ArgumentCompleter(typeof(TokenLabelCompleter))]
        [ValidateNotNull]
        public Pkcs11Token Token { get; set; }

        /// <summary>
        /// <para type="description">A pkcs11: URI naming exactly one token; its pin-value or pin-source gives the
        /// PIN.</para>
        /// </summary>
        [Parameter(ParameterSetName = UriSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "A pkcs11: URI naming one token.")]
        [Alias("TokenUri")]
        [ArgumentCompleter(typeof(TokenUriCompleter))]
        [ValidateNotNullOrEmpty]
        public string Uri { get; set; }

        /// <summary>
        /// <para type="description">Rsa, Ec or EdDsa. Without it, -Curve says which (Ed25519 is EdDsa, the P- curves
        /// Ec), else Rsa.</para>
        /// </summary>
        [Parameter]
        public Pkcs11KeyAlgorithm Algorithm { get; set; } = Pkcs11KeyAlgorithm.Rsa;

        /// <summary>
        /// <para type="description">RSA modulus bits (default 2048); the token's range for CKM_RSA_PKCS_KEY_PAIR_GEN
        /// applies (Get-Pkcs11Mechanism shows it).</para>
        /// </summary>
        [Parameter]
        [ValidateRange(256, 65536)]
        public int KeySize { get; set; } = 2048;

        /// <summary>
        /// <para type="description">P-256 (the default for Ec), P-384, P-521, or Ed25519 (the one EdDsa curve).
        /// Without -Algorithm it chooses it: Ed25519 makes an EdDsa key, a P- curve an Ec key.</para>
        /// </summary>
        [Parameter]
        [ValidateSet("P-256", "P-384", "P-521", "Ed25519")]
        public string Curve { get; set; }

        /// <summary>
        /// <para type="description">CKA_LABEL of both keys.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Label { get; set; }

        /// <summary>
        /// <para type="description">CKA_ID of both keys in hex (0102ff, 01:02:ff); 20 random bytes by default.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; }

        /// <summary>
        /// <para type="description">What the keys may do: Sign, Decrypt, Derive, Wrap (any of them). By default
        /// p11tool's: Sign, Decrypt and Wrap (RSA, EC), Sign (EdDSA).</para>
        /// </summary>
        [Parameter]
        public Pkcs11KeyUsage[] Usage { get; set; }

        /// <summary>
        /// <para type="description">Make the private key extractable (and not sensitive), so it can be wrapped off the
        /// token; off by default.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Extractable { get; set; }

        private byte[] idBytes;
        private Pkcs11KeyAlgorithm algorithm;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            idBytes = HexIdOrStop(Id, "-Id");
            algorithm = ChooseAlgorithm();
        }

        /// <summary>
        /// -Algorithm, else the one -Curve implies, else Rsa. A combination that would quietly ignore a parameter, or
        /// that no token can make, stops the command before any module is loaded or PIN asked for.
        /// </summary>
        private Pkcs11KeyAlgorithm ChooseAlgorithm()
        {
            bool algorithmGiven = MyInvocation.BoundParameters.ContainsKey(nameof(Algorithm));
            bool ed25519 = string.Equals(Curve, "Ed25519", StringComparison.OrdinalIgnoreCase);
            Pkcs11KeyAlgorithm chosen = algorithmGiven || Curve == null ? Algorithm : ed25519 ? Pkcs11KeyAlgorithm.EdDsa : Pkcs11KeyAlgorithm.Ec;
            string conflict = null;
            if (chosen == Pkcs11KeyAlgorithm.Rsa && Curve != null)
                conflict = $"-Curve {Curve} is for Ec and EdDsa keys; an RSA key takes -KeySize. Leave out -Algorithm Rsa or -Curve.";
            else if (chosen != Pkcs11KeyAlgorithm.Rsa && MyInvocation.BoundParameters.ContainsKey(nameof(KeySize)))
                conflict = $"-KeySize is for RSA keys; {chosen} keys take -Curve. Leave out -KeySize.";
            else if (chosen == Pkcs11KeyAlgorithm.Ec && ed25519)
                conflict = "Ed25519 is the curve of EdDsa keys: give -Algorithm EdDsa (or -Curve Ed25519 alone), or a P- curve for Ec.";
            else if (chosen == Pkcs11KeyAlgorithm.EdDsa && Curve != null && !ed25519)
                conflict = $"EdDsa keys are on Ed25519, not {Curve}: give -Algorithm Ec for a P- curve.";
            if (conflict != null)
            {
                ThrowTerminatingError(NewError(new ArgumentException(conflict), "AlgorithmConflict", ErrorCategory.InvalidArgument, Curve));
            }
            return chosen;
        }

        protected override void ProcessRecord()
        {
            // A URI given without -Uri binds to -Token as a label: it is shown redacted.
            string named = Pkcs11UriText.Redact(ParameterSetName == UriSet ? Uri : Token.Label);
            string what = algorithm == Pkcs11KeyAlgorithm.Rsa ? $"an RSA {KeySize}-bit"
                : algorithm == Pkcs11KeyAlgorithm.EdDsa ? "an Ed25519" : $"an EC {Curve ?? "P-256"}";
            // Before anything is loaded: -WhatIf loads no module.
            if (!ShouldProcess(UntrustedText.Quote(named), $"Generate {what} key pair{(Label != null ? " labelled " + UntrustedText.Quote(Label) : string.Empty)}")) return;
            TokenTarget? target = ParameterSetName == UriSet ? One(TokensOfUri(Uri)) : ByToken(Token);
            if (target == null) return;
            var spec = new Pkcs11KeyPairSpec
            {
                Algorithm = algorithm,
                KeySize = KeySize,
                Curve = Curve,
                Label = Label,
                Id = idBytes,
                Usage = Usage == null ? (Pkcs11KeyUsage?)null : Usage.Aggregate(Pkcs11KeyUsage.None, (all, u) => all | u),
                Extractable = Extractable,
            };
            InSession(target.Value, readWrite: true, login: true, target.Value.Token, session =>
            {
                Pkcs11KeyPair pair = Pkcs11KeyGenerator.Generate(session, spec);
                WriteObject(pair.PrivateKey);
                WriteObject(pair.PublicKey);
            });
        }

        private TokenTarget? ByToken(Pkcs11Token token)
        {
            if (!token.LabelOnly)
            {
                Pkcs11Token current = Pkcs11.CurrentToken(token, out var module);
                return current == null ? (TokenTarget?)null : new TokenTarget { Module = module, Token = current };
            }
            var filter = new NameFilter(new[] { token.Label }).Among(Pkcs11.AllTokens().Select(p => p.Value.Label).ToList());
            var matching = Pkcs11.AllTokens().Where(p => filter.IsMatch(p.Value.Label)).Select(p => new TokenTarget { Module = p.Key, Token = p.Value }).ToList();
            if (matching.Count == 0)
            {
                WriteError(NewError(new ItemNotFoundException($"No PKCS#11 token labelled {UntrustedText.Quote(Pkcs11UriText.Redact(token.Label))} was found. Run Get-Pkcs11Token to list the tokens."),
                    "TokenNotFound", ErrorCategory.ObjectNotFound, Pkcs11UriText.Redact(token.Label)));
                return null;
            }
            return One(matching);
        }

        /// <summary>A key pair goes on one token: a label or URI that names several is an error listing them.</summary>
        private TokenTarget? One(System.Collections.Generic.List<TokenTarget> targets)
        {
            if (targets.Count == 1) return targets[0];
            if (targets.Count > 1)
            {
                WriteError(NewError(new System.ArgumentException($"{targets.Count} tokens match: {string.Join(", ", targets.Select(t => t.Token.Uri))}. Name one token."),
                    "AmbiguousToken", ErrorCategory.InvalidArgument, targets[0].Uri ?? targets[0].Token.Label));
            }
            return null;
        }
    }
}
