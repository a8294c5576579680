using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the mechanisms (algorithms) a PKCS#11 token supports.</para>
    /// <para type="description">For each token piped from Get-Pkcs11Token, or each token a pkcs11: URI names, emits one Pkcs11Mechanism per mechanism the token reports, as p11tool --list-mechanisms does: the CKM_ name and code, the minimum and maximum key size, and the flags by name (Encrypt, Decrypt, Sign, Verify, Digest, GenerateKeyPair, Wrap, Derive, ...). Without -Token or -Uri it lists the mechanisms of every token of every enabled registered module. A -Uri may name the token by any of token, manufacturer, model, serial, slot-description, slot-manufacturer, slot-id, library-description, library-manufacturer, and select the library with module-name or module-path. A module that cannot be used writes one non-terminating error; every module loaded is finalized before the command returns.</para>
    /// </summary>
    /// <example>
    /// <code>Get-Pkcs11Token -Label MyToken | Get-Pkcs11Mechanism</code>
    /// <para>Lists the mechanisms of the token labelled MyToken.</para>
    /// </example>
    /// <example>
    /// <code>Get-Pkcs11Mechanism -Uri 'pkcs11:token=MyToken' | Where-Object { $_.Flags -band 'Sign' }</code>
    /// <para>Lists the signing mechanisms of the token the URI names.</para>
    /// </example>
    /// <example>
    /// <code>Get-Pkcs11Token | Get-Pkcs11Mechanism | Group-Object Token | Select-Object Name, Count</code>
    /// <para>Counts the mechanisms of every token.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "Pkcs11Mechanism", DefaultParameterSetName = TokenSet)]
    [OutputType(typeof(Pkcs11Mechanism))]
    public sealed class GetPkcs11MechanismCommand : Pkcs11Cmdlet
    {
        private const string TokenSet = "Token";
        private const string UriSet = "Uri";

        /// <summary>
        /// <para type="description">Tokens from Get-Pkcs11Token. Without -Token or -Uri, every token of every enabled registered module.</para>
        /// </summary>
        [Parameter(ParameterSetName = TokenSet, Position = 0, ValueFromPipeline = true, HelpMessage = "Tokens from Get-Pkcs11Token.")]
        [ValidateNotNull]
        public Pkcs11Token[] Token { get; set; }

        /// <summary>
        /// <para type="description">RFC 7512 pkcs11: URIs naming tokens, such as the Uri property of a token or a line p11tool --list-tokens prints.</para>
        /// </summary>
        [Parameter(ParameterSetName = UriSet, Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "pkcs11: URIs naming tokens.")]
        [ValidateNotNullOrEmpty]
        public string[] Uri { get; set; }

        private readonly Dictionary<string, List<Pkcs11Token>> tokensByModule = new Dictionary<string, List<Pkcs11Token>>(StringComparer.Ordinal);
        private bool sawInput;

        protected override void ProcessRecord()
        {
            if (ParameterSetName == UriSet)
            {
                foreach (string uri in Uri) ListByUri(uri);
                return;
            }
            if (Token == null) return;
            sawInput = true;
            foreach (Pkcs11Token token in Token) ListForToken(token);
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == TokenSet && !sawInput)
            {
                foreach (Pkcs11Module module in Registry.EnabledModules)
                {
                    foreach (Pkcs11Token token in TokensOf(module)) Emit(module, token);
                }
            }
            base.EndProcessing();
        }

        private void ListForToken(Pkcs11Token token)
        {
            if (!token.TokenPresent) return;
            Pkcs11Module module = ResolveModules(new[] { token.ModulePath ?? token.Module }).FirstOrDefault();
            if (module == null) return;
            // Slot ids can change when readers come and go: the slot must still hold the same token.
            var current = TokensOf(module);
            Pkcs11Token match = current.FirstOrDefault(t => t.SlotId == token.SlotId && t.Uri == token.Uri)
                ?? current.FirstOrDefault(t => t.Uri == token.Uri);
            if (match == null)
            {
                WriteError(NewError(
                    new ItemNotFoundException($"The token '{token.Label}' ({token.Uri}) is no longer in module '{module.Name}'."),
                    "TokenNotFound", ErrorCategory.ObjectNotFound, token));
                return;
            }
            Emit(module, match);
        }

        private void ListByUri(string uri)
        {
            IReadOnlyDictionary<string, string> attributes;
            try
            {
                attributes = Pkcs11Uri.Parse(uri);
            }
            catch (FormatException ex)
            {
                WriteError(NewError(ex, "InvalidUri", ErrorCategory.InvalidArgument, uri));
                return;
            }
            IEnumerable<Pkcs11Module> modules;
            if (attributes.TryGetValue("module-path", out string path)) modules = ResolveModules(new[] { path });
            else if (attributes.TryGetValue("module-name", out string name)) modules = ResolveModules(new[] { name });
            else modules = Registry.EnabledModules;
            bool found = false;
            foreach (Pkcs11Module module in modules.ToList())
            {
                foreach (Pkcs11Token token in TokensOf(module).Where(t => Pkcs11Uri.Matches(attributes, t)))
                {
                    found = true;
                    Emit(module, token);
                }
            }
            if (!found)
            {
                WriteError(NewError(
                    new ItemNotFoundException($"No PKCS#11 token matches '{uri}'. Run Get-Pkcs11Token to list the tokens and their URIs."),
                    "TokenNotFound", ErrorCategory.ObjectNotFound, uri));
            }
        }

        private List<Pkcs11Token> TokensOf(Pkcs11Module module)
        {
            string key = module.Path ?? module.Name;
            if (tokensByModule.TryGetValue(key, out var tokens)) return tokens;
            tokens = new List<Pkcs11Token>();
            Pkcs11Library library = Open(module);
            if (library != null)
            {
                try
                {
                    tokens = library.GetTokens(includeEmptySlots: false);
                }
                catch (Pkcs11ModuleException ex)
                {
                    WriteModuleError(ex, module);
                }
            }
            tokensByModule[key] = tokens;
            return tokens;
        }

        private void Emit(Pkcs11Module module, Pkcs11Token token)
        {
            Pkcs11Library library = Open(module);
            if (library == null) return;
            try
            {
                WriteObject(library.GetMechanisms(token), enumerateCollection: true);
            }
            catch (Pkcs11ModuleException ex)
            {
                WriteModuleError(ex, module);
            }
        }
    }
}
