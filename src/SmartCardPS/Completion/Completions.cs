using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.Parameters;
using SmartCardPS.Text;

namespace SmartCardPS.Completion
{
    internal static class Completions
    {
        /// <summary>How long a completion waits for a listing it starts; a slower one answers the next Tab.</summary>
        public static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

        /// <summary>
        /// The names that start with what was typed, each quoted and wildcard-escaped, so that the completed text
        /// names exactly that item: reader names hold spaces and brackets, and a bracket unescaped is a pattern.
        /// A parameter that takes exact names only (no wildcards) gets them unescaped.
        /// </summary>
        public static IEnumerable<CompletionResult> Matching(IEnumerable<string> names, string wordToComplete,
            bool wildcards = true)
        {
            string typed = PowerShellQuote.Unquote(wordToComplete);
            Func<string, bool> matches;
            if (typed.IndexOfAny(new[] { '*', '?' }) >= 0)
            {
                matches = Wildcard.Matcher(typed + "*");
            }
            else
            {
                string prefix = wildcards ? WildcardPattern.Unescape(typed) : typed;
                matches = n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
            }
            return names.Where(n => n != null && matches(n)).Distinct().OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                .Select(n => new CompletionResult(wildcards ? Quote(n) : PowerShellQuote.SingleQuoted(n), n,
                    CompletionResultType.ParameterValue, n))
                .ToList();
        }

        /// <summary>
        /// The pkcs11: URIs of <paramref name="items"/> that start with what was typed, or whose item's name does
        /// (typed bare or as pkcs11:<paramref name="attribute"/>=..., %-escapes read), so token=My finds My whatever
        /// attribute p11tool prints first. Each is single-quoted (its ; would end the command), never escaped: a URI
        /// is no pattern. <paramref name="what"/> starts each tooltip.
        /// </summary>
        public static IEnumerable<CompletionResult> MatchingUris(IEnumerable<(string Uri, string Name)> items, string wordToComplete,
            string attribute, string what)
        {
            string typed = PowerShellQuote.Unquote(wordToComplete);
            string prefix = "pkcs11:" + attribute + "=";
            string name = typed.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? Decode(typed.Substring(prefix.Length)) : typed;
            return items.Where(i => i.Uri != null && (i.Uri.StartsWith(typed, StringComparison.OrdinalIgnoreCase)
                    || (name != null && i.Name != null && i.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase))))
                .GroupBy(i => i.Uri, StringComparer.Ordinal).Select(g => g.First())
                .OrderBy(i => i.Name, StringComparer.OrdinalIgnoreCase).ThenBy(i => i.Uri, StringComparer.Ordinal)
                .Select(i => new CompletionResult(PowerShellQuote.SingleQuoted(i.Uri), i.Uri, CompletionResultType.ParameterValue,
                    what + " " + UntrustedText.Quote(i.Name)))
                .ToList();
        }

        // A half-typed %-escape (token=My%2) reads as no name rather than failing.
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

        private static string Quote(string name) => PowerShellQuote.SingleQuoted(WildcardPattern.Escape(name));
    }
}
