using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SmartCardPS.P11Kit;

namespace SmartCardPS.Completion
{
    /// <summary>Completes registered PKCS#11 module names from p11-kit's config files; no library is loaded.</summary>
    internal sealed class ModuleNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                return Completions.Matching(Pkcs11Registry.Load().Modules.Select(m => m.Name), wordToComplete);
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                return Array.Empty<CompletionResult>();
            }
        }
    }
}
