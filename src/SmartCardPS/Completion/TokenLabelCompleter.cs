using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Completion
{
    /// <summary>
    /// Completes token labels from the enabled registered modules. Loading every module takes seconds (OpenSC with a
    /// card about 4.5 s, a stuck module forever), so the answer comes from what the last listing saw (this completer's
    /// or Get-Pkcs11Token's), refreshed in the background; the first completion in a process waits for its listing
    /// at most <see cref="Completions.Patience"/> and offers nothing when it takes longer. A module that fails just
    /// contributes nothing. The same listing gives TokenUriCompleter its URIs.
    /// </summary>
    internal sealed class TokenLabelCompleter : IArgumentCompleter
    {
        internal static readonly CachedListing<Pkcs11Token[]> Tokens = new CachedListing<Pkcs11Token[]>(ListTokens);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completions.Matching((Tokens.GetWithin(Completions.Patience) ?? Array.Empty<Pkcs11Token>()).Select(t => t.Label), wordToComplete);

        private static Pkcs11Token[] ListTokens()
        {
            var tokens = new List<Pkcs11Token>();
            foreach (Pkcs11Module module in Pkcs11Registry.Load().EnabledModules)
            {
                try
                {
                    using (var library = Pkcs11Library.Load(module.Path, module.Name, module.ConfigFile))
                    {
                        tokens.AddRange(library.GetTokens(includeEmptySlots: false, _ => { }));
                    }
                }
                catch (Pkcs11ModuleException)
                {
                }
            }
            return Usable(tokens);
        }

        /// <summary>The tokens worth offering (present, initialised, labelled), from any listing of every enabled
        /// module's tokens.</summary>
        internal static Pkcs11Token[] Usable(IEnumerable<Pkcs11Token> tokens) =>
            tokens.Where(t => t.TokenPresent && t.TokenInitialized && !string.IsNullOrEmpty(t.Label)).ToArray();
    }
}
