using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using SmartCardPS.Pcsc;

namespace SmartCardPS.Completion
{
    /// <summary>Completes reader names from the live PC/SC service; quietly offers nothing when it is not
    /// running.</summary>
    internal sealed class ReaderNameCompleter : IArgumentCompleter
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
}
