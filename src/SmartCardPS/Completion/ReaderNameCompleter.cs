using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SmartCardPS.Commands
{
    /// <summary>Completes reader names from the live PC/SC service; quietly offers nothing when it is not running.</summary>
    public sealed class ReaderNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string[] names;
            try
            {
                using (var context = PcscContext.Establish()) names = context.ListReaders();
            }
            catch (PcscException)
            {
                return Array.Empty<CompletionResult>();
            }
            return Completions.Matching(names, wordToComplete);
        }
    }

    internal static class Completions
    {
        /// <summary>Quotes names with spaces (reader names nearly always have them) and keeps the typed prefix.</summary>
        public static IEnumerable<CompletionResult> Matching(IEnumerable<string> names, string wordToComplete)
        {
            string typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var pattern = WildcardPattern.Get(typed + "*", WildcardOptions.IgnoreCase);
            return names.Where(n => pattern.IsMatch(n)).Distinct().OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                .Select(n => new CompletionResult("'" + n.Replace("'", "''") + "'", n, CompletionResultType.ParameterValue, n))
                .ToList();
        }
    }
}
