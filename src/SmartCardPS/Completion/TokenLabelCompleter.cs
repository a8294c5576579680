using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Commands
{
    /// <summary>Completes token labels from the enabled registered modules; a module that fails just contributes nothing.</summary>
    public sealed class TokenLabelCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var labels = new List<string>();
            foreach (Pkcs11Module module in Pkcs11Registry.Load().EnabledModules)
            {
                try
                {
                    using (var library = Pkcs11Library.Load(module.Path, module.Name, module.ConfigFile))
                    {
                        foreach (Pkcs11Token token in library.GetTokens(includeEmptySlots: false))
                        {
                            if (!string.IsNullOrEmpty(token.Label)) labels.Add(token.Label);
                        }
                    }
                }
                catch (Pkcs11ModuleException)
                {
                }
            }
            return Completions.Matching(labels, wordToComplete);
        }
    }
}
