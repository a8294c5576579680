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

        private static string Quote(string name) => PowerShellQuote.SingleQuoted(WildcardPattern.Escape(name));
    }
}
