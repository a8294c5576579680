using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SmartCardPS.Setup;

namespace SmartCardPS.Completion
{
    /// <summary>Completes Test-SmartCardSetup's check names, as its results name them; nothing is run.</summary>
    internal sealed class SetupCheckNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completions.Matching(SetupRunner.Checks.Select(SetupRunner.NameOf), wordToComplete);
    }
}
