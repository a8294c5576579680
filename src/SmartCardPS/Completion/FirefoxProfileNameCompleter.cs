using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SmartCardPS.Nss;

namespace SmartCardPS.Completion
{
    /// <summary>Completes Firefox profile names from every profiles.ini Get-FirefoxProfile reads; nothing is
    /// started.</summary>
    internal sealed class FirefoxProfileNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                return Completions.Matching(FirefoxProfiles.FindAll().Select(p => p.Name), wordToComplete);
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                return Array.Empty<CompletionResult>();
            }
        }
    }
}
