using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SmartCardPS.Clients;

namespace SmartCardPS.Completion
{
    /// <summary>Completes the names of the processes connected to the PC/SC service; offers nothing where they cannot
    /// be listed.</summary>
    internal sealed class ClientNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            PcscClientScan scan = CardHolders.TryScan();
            return scan == null ? Array.Empty<CompletionResult>() : Completions.Matching(scan.Clients.Select(c => c.ProcessName), wordToComplete);
        }
    }
}
