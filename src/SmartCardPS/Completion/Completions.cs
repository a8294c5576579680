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
        /// <summary>
        /// The names that start with what was typed, each quoted and wildcard-escaped, so that the completed text
        /// names exactly that item: reader names hold spaces and brackets, and a bracket unescaped is a pattern.
        /// </summary>
        public static IEnumerable<CompletionResult> Matching(IEnumerable<string> names, string wordToComplete)
        {
            string typed = PowerShellQuote.Unquote(wordToComplete);
            Func<string, bool> matches;
            if (typed.IndexOfAny(new[] { '*', '?' }) >= 0)
            {
                matches = Wildcard.Matcher(typed + "*");
            }
            else
            {
                string prefix = WildcardPattern.Unescape(typed);
                matches = n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
            }
            return names.Where(n => n != null && matches(n)).Distinct().OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                .Select(n => new CompletionResult(Quote(n), n, CompletionResultType.ParameterValue, n))
                .ToList();
        }

        private static string Quote(string name) => PowerShellQuote.SingleQuoted(WildcardPattern.Escape(name));
    }
}
