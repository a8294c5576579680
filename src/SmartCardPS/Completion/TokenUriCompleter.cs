using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Completion
{
    /// <summary>
    /// Completes -Uri with the pkcs11: URIs of the present tokens, from the listing Tab on -Token uses (refreshed
    /// in the background, waited for at most <see cref="Completions.Patience"/>). What was typed may start the URI
    /// or the token's label (pkcs11:token=My finds token My, whatever attribute p11tool prints first). The URI is
    /// single-quoted, as its ; would otherwise end the command; a URI is no pattern, so nothing is escaped.
    /// </summary>
    internal sealed class TokenUriCompleter : IArgumentCompleter
    {
        private const string TokenPrefix = "pkcs11:token=";

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            Pkcs11Token[] tokens = TokenLabelCompleter.Tokens.GetWithin(Completions.Patience) ?? Array.Empty<Pkcs11Token>();
            string typed = PowerShellQuote.Unquote(wordToComplete);
            string label = typed.StartsWith(TokenPrefix, StringComparison.OrdinalIgnoreCase) ? Decode(typed.Substring(TokenPrefix.Length)) : typed;
            return tokens.Where(t => t.Uri != null && (t.Uri.StartsWith(typed, StringComparison.OrdinalIgnoreCase)
                    || (label != null && t.Label.StartsWith(label, StringComparison.OrdinalIgnoreCase))))
                .GroupBy(t => t.Uri, StringComparer.Ordinal).Select(g => g.First())
                .OrderBy(t => t.Label, StringComparer.OrdinalIgnoreCase)
                .Select(t => new CompletionResult(PowerShellQuote.SingleQuoted(t.Uri), t.Uri, CompletionResultType.ParameterValue,
                    "token " + UntrustedText.Quote(t.Label)))
                .ToList();
        }

        // A half-typed %-escape (token=My%2) decodes to nothing rather than failing.
        private static string Decode(string text)
        {
            try
            {
                return Uri.UnescapeDataString(text);
            }
            catch (UriFormatException)
            {
                return null;
            }
        }
    }
}
