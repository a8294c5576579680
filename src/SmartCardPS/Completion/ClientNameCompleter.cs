using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SmartCardPS.Clients;

namespace SmartCardPS.Commands
{
    /// <summary>Completes the names of the processes connected to the PC/SC service; offers nothing when they cannot be listed.</summary>
    internal sealed class ClientNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                return Completions.Matching(PcscClients.Scan().Clients.Select(c => c.ProcessName), wordToComplete);
            }
            catch (Exception ex) when (ex is PlatformNotSupportedException || ex is System.ComponentModel.Win32Exception || ex is System.IO.IOException)
            {
                return Array.Empty<CompletionResult>();
            }
        }
    }
}
