using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Completion
{
    /// <summary>
    /// Completes -Uri with the pkcs11: URIs of the present tokens, from the listing Tab on -Token uses (refreshed
    /// in the background, waited for at most <see cref="Completions.Patience"/>); pkcs11:token=My or My finds the
    /// tokens whose label starts with My.
    /// </summary>
    internal sealed class TokenUriCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            Pkcs11Token[] tokens = TokenLabelCompleter.Tokens.GetWithin(Completions.Patience) ?? Array.Empty<Pkcs11Token>();
            return Completions.MatchingUris(tokens.Select(t => (t.Uri, t.Label)), wordToComplete, "token", "token");
        }
    }
}
