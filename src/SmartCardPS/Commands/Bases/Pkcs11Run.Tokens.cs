using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;
using Pkcs11Uri = Net.Pkcs11Interop.Common.Pkcs11Uri;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>
    /// The tokens a run works on: the tokens of a module (listed once per run), a piped token found again in its
    /// module, and the tokens a pkcs11: URI names.
    /// </summary>
    internal sealed partial class Pkcs11Run
    {
        private readonly Dictionary<string, List<Pkcs11Token>> tokensByModule = new Dictionary<string, List<Pkcs11Token>>(StringComparer.Ordinal);

        /// <summary>
        /// Every token of <paramref name="modules"/> (every enabled registered module when null), with its module.
        /// </summary>
        internal IEnumerable<KeyValuePair<Pkcs11Module, Pkcs11Token>> AllTokens(IEnumerable<Pkcs11Module> modules = null)
        {
            foreach (Pkcs11Module module in EachModule(modules ?? Registry.EnabledModules))
                foreach (Pkcs11Token token in TokensOf(module)) yield return new KeyValuePair<Pkcs11Module, Pkcs11Token>(module, token);
        }

        /// <summary>
        /// A token from Get-Pkcs11Token as its module reports it now; null (with TokenNotFound written) when it is
        /// gone. Slot ids can change when readers come and go, so the slot must still hold the same token.
        /// </summary>
        internal Pkcs11Token CurrentToken(Pkcs11Token token, out Pkcs11Module module)
        {
            module = null;
            if (!token.TokenPresent) return null;
            module = ResolveModules(new[] { token.ModulePath ?? token.Module }).FirstOrDefault();
            if (module == null) return null;
            // Other slots' failures are not this token's: they are reported when listing everything, not here.
            var current = TokensOf(module, reportSlotErrors: false, includeEmptySlots: !token.TokenInitialized);
            Pkcs11Token match = current.FirstOrDefault(t => t.SlotId == token.SlotId && t.Uri == token.Uri)
                ?? current.FirstOrDefault(t => t.Uri == token.Uri);
            if (match == null)
            {
                cmdlet.WriteError(cmdlet.NewError(
                    new ItemNotFoundException($"The token {UntrustedText.Quote(token.Label)} ({UntrustedText.Quote(token.Uri)}) is no longer in module {UntrustedText.Quote(module.Name)}."),
                    "TokenNotFound", ErrorCategory.ObjectNotFound, token));
            }
            return match;
        }

        /// <summary>A parsed pkcs11: URI; null (with InvalidUri written) when it is not one.</summary>
        internal Pkcs11Uri ParseUri(string uri)
        {
            try
            {
                return Pkcs11UriText.Parse(uri);
            }
            catch (FormatException ex)
            {
                // The message already shows the URI redacted (Pkcs11UriText.Parse); the target must too.
                cmdlet.WriteError(cmdlet.NewError(ex, "InvalidUri", ErrorCategory.InvalidArgument, Pkcs11UriText.Redact(uri)));
                return null;
            }
        }

        /// <summary>
        /// The tokens a pkcs11: URI names, with their modules; none, with InvalidUri or TokenNotFound written, when it
        /// is not a URI or names no token. The URI is shown redacted.
        /// </summary>
        internal List<KeyValuePair<Pkcs11Module, Pkcs11Token>> TokensNamedBy(string uri, out Pkcs11Uri parsed)
        {
            parsed = ParseUri(uri);
            if (parsed == null) return new List<KeyValuePair<Pkcs11Module, Pkcs11Token>>();
            var found = TokensByUri(parsed);
            if (found.Count == 0)
            {
                string shown = Pkcs11UriText.Redact(uri);
                cmdlet.WriteError(cmdlet.NewError(
                    new ItemNotFoundException($"No PKCS#11 token matches {UntrustedText.Quote(shown)}. Run Get-Pkcs11Token to list the tokens and their URIs."),
                    "TokenNotFound", ErrorCategory.ObjectNotFound, shown));
            }
            return found;
        }

        /// <summary>
        /// The tokens a URI names, with their modules; module-name and module-path select the library. A slot-id may
        /// name an uninitialised token (Get-Pkcs11Token -IncludeEmptySlots gives those such a URI), so then those count
        /// too.
        /// </summary>
        internal List<KeyValuePair<Pkcs11Module, Pkcs11Token>> TokensByUri(Pkcs11Uri uri)
        {
            bool bySlot = uri.SlotId != null;
            var found = new List<KeyValuePair<Pkcs11Module, Pkcs11Token>>();
            foreach (Pkcs11Module module in EachModule(ResolveModulesForUri(uri.ModulePath, uri.ModuleName)))
            {
                foreach (Pkcs11Token token in TokensOf(module, includeEmptySlots: bySlot).Where(t => t.TokenPresent).Where(t => Pkcs11UriText.Matches(uri, t)))
                    found.Add(new KeyValuePair<Pkcs11Module, Pkcs11Token>(module, token));
            }
            return found;
        }

        /// <summary>
        /// The module's tokens, listed once per run; a failing slot is a SlotFailed error (when
        /// <paramref name="reportSlotErrors"/>) and the others still list.
        /// </summary>
        internal List<Pkcs11Token> TokensOf(Pkcs11Module module, bool reportSlotErrors = true, bool includeEmptySlots = false)
        {
            string key = (includeEmptySlots ? "*" : "") + (module.Path ?? module.Name);
            if (tokensByModule.TryGetValue(key, out var tokens)) return tokens;
            tokens = new List<Pkcs11Token>();
            Pkcs11Library library = Open(module);
            if (library != null)
            {
                try
                {
                    tokens = library.GetTokens(includeEmptySlots, reportSlotErrors ? WriteSlotError : (Action<Pkcs11ModuleException>)(_ => { }), SlotProbing(module));
                }
                catch (Pkcs11ModuleException ex)
                {
                    WriteModuleError(ex, module);
                }
            }
            tokensByModule[key] = tokens;
            return tokens;
        }
    }
}
