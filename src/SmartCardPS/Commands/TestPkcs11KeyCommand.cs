using System.Collections.Generic;
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
    /// <para type="synopsis">Checks that private keys on PKCS#11 tokens sign, and that their public keys verify it, as
    /// p11tool --test-sign and pkcs11-tool --test do.</para>
    /// <para type="description">For each private key piped from Get-Pkcs11Object -Login or New-Pkcs11KeyPair, named by
    /// a pkcs11: URI, or on the tokens given by -Token, signs a fresh random challenge on the token with each mechanism
    /// the token lists for the key's type (CKM_RSA_PKCS and CKM_RSA_PKCS_PSS, CKM_ECDSA, CKM_EDDSA) and verifies the
    /// signature outside the token with the public key that has the key's CKA_ID (else the certificate with it, else
    /// the private key's own public attributes). Emits one result per key and mechanism: Key, Mechanism, Status (Pass,
    /// Fail, Skipped), Detail and Elapsed. A key that may not sign is Skipped with the reason. With -Quiet it emits
    /// only $true when every key passed and $false otherwise, for CI. A CKA_ALWAYS_AUTHENTICATE key is given the PIN
    /// again for each signature (CKU_CONTEXT_SPECIFIC).</para>
    /// </summary>
    /// <example>
    /// <code>Test-Pkcs11Key -Uri 'pkcs11:token=MyToken?pin-value=1234'</code>
    /// <para>Shows, for every private key on MyToken and each of its signature mechanisms, whether the token signs and
    /// the public key verifies it.</para>
    /// </example>
    /// <example>
    /// <code>if (-not (Test-Pkcs11Key -Uri 'pkcs11:token=MyToken;object=My%20key?pin-value=1234' -Quiet)) {
    ///     throw 'My key is broken'
    /// }</code>
    /// <para>Fails a CI step when "My key" does not sign or its public key does not match.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "Pkcs11Key", DefaultParameterSetName = UriSet)]
    [OutputType(typeof(Pkcs11KeyTestResult), typeof(bool))]
    public sealed class TestPkcs11KeyCommand : Pkcs11KeyCmdlet
    {
        private const string KeySet = "Key";
        private const string UriSet = "Uri";
        private const string TokenSet = "Token";

        /// <summary>
        /// <para type="description">Private keys from Get-Pkcs11Object -Login or New-Pkcs11KeyPair (other objects are
        /// skipped).</para>
        /// </summary>
        [Parameter(ParameterSetName = KeySet, Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "Private keys from Get-Pkcs11Object -Login.")]
        [ValidateNotNull]
        public Pkcs11Object Key { get; set; }

        /// <summary>
        /// <para type="description">pkcs11: URIs naming private keys, or tokens (then every private key on
        /// them).</para>
        /// </summary>
        [Parameter(ParameterSetName = UriSet, Mandatory = true, Position = 0, HelpMessage = "pkcs11: URIs naming keys or tokens.")]
        [ArgumentCompleter(typeof(KeyOrTokenUriCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Uri { get; set; }

        /// <summary>
        /// <para type="description">Tokens from Get-Pkcs11Token, or token labels: every private key on them is
        /// tested.</para>
        /// </summary>
        [Parameter(ParameterSetName = TokenSet, Mandatory = true, HelpMessage = "Tokens, or token labels.")]
        [TokenLabelTransformation]
        [ArgumentCompleter(typeof(TokenLabelCompleter))]
        [ValidateNotNull]
        public Pkcs11Token[] Token { get; set; }

        /// <summary>
        /// <para type="description">Emit only $true (every key passed, none failed or was skipped) or $false.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        private bool allPassed = true;
        private bool anyResult;

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case KeySet:
                    if (Key.Class != Pkcs11ObjectClass.PrivateKey)
                    {
                        WriteVerbose($"Skipping {UntrustedText.Quote(Key.Label)} ({Key.Uri}): it is a {Key.Class}, not a private key.");
                        return;
                    }
                    TokenTarget? target = TokenOf(Key);
                    if (target != null) Test(target.Value, Key);
                    break;
                case UriSet:
                    foreach (string uri in Uri)
                    {
                        foreach (TokenTarget t in TokensOfUri(uri)) Test(t, null);
                    }
                    break;
                default:
                    foreach (Pkcs11Token token in Token)
                    {
                        foreach (TokenTarget t in Tokens(token)) Test(t, null);
                    }
                    break;
            }
        }

        protected override void EndProcessing()
        {
            if (Quiet) WriteObject(anyResult && allPassed);
            base.EndProcessing();
        }

        private IEnumerable<TokenTarget> Tokens(Pkcs11Token token)
        {
            if (!token.LabelOnly)
            {
                Pkcs11Token current = Pkcs11.CurrentToken(token, out var module);
                return current == null ? Enumerable.Empty<TokenTarget>() : new[] { new TokenTarget { Module = module, Token = current } };
            }
            var all = Pkcs11.AllTokens().ToList();
            var filter = new NameFilter(new[] { token.Label }).Among(all.Select(p => p.Value.Label));
            var found = all.Where(p => filter.IsMatch(p.Value.Label)).Select(p => new TokenTarget { Module = p.Key, Token = p.Value }).ToList();
            WriteNotFound(filter, l => $"No PKCS#11 token labelled {UntrustedText.Quote(Pkcs11UriText.Redact(l))} was found. Run Get-Pkcs11Token to list the tokens.", "TokenNotFound", Pkcs11UriText.Redact);
            return found;
        }

        private void Test(TokenTarget target, Pkcs11Object piped)
        {
            bool wholeToken = piped == null && (target.Parsed == null || (target.Parsed.Object == null && target.Parsed.Id == null));
            InSession(target, readWrite: false, login: true, piped, session =>
            {
                var keys = wholeToken ? session.Find(Pkcs11ObjectClass.PrivateKey, null, null) : FindKeys(session, piped, target, Pkcs11ObjectClass.PrivateKey);
                if (keys.Count == 0) allPassed = false;
                foreach (Pkcs11Object key in keys)
                {
                    WriteVerbose($"Testing {UntrustedText.Quote(key.Label)} ({key.Uri}).");
                    foreach (Pkcs11KeyTestResult result in Pkcs11KeyTester.Test(session, key))
                    {
                        anyResult = true;
                        if (result.Status != nameof(Pkcs11KeyTestStatus.Pass)) allPassed = false;
                        if (!Quiet) WriteObject(result);
                    }
                }
            });
        }
    }
}
