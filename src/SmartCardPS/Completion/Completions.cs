using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.Parameters;

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
            string typed = Unquote(wordToComplete ?? string.Empty);
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

        internal static string Quote(string name) => "'" + WildcardPattern.Escape(name).Replace("'", "''") + "'";

        private static string Unquote(string word)
        {
            word = word.Trim();
            if (word.Length > 0 && (word[0] == '\'' || word[0] == '"')) word = word.Substring(1);
            if (word.Length > 0 && (word[word.Length - 1] == '\'' || word[word.Length - 1] == '"')) word = word.Substring(0, word.Length - 1);
            return word.Replace("''", "'");
        }
    }
}
