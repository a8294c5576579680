using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Completion
{
    /// <summary>
    /// Completes token labels from the enabled registered modules. Loading every module takes seconds, so the
    /// answer comes from what the last listing saw (this completer's or Get-Pkcs11Token's), refreshed in the
    /// background; only the first completion in a process loads the modules itself. A module that fails just
    /// contributes nothing.
    /// </summary>
    internal sealed class TokenLabelCompleter : IArgumentCompleter
    {
        internal static readonly CachedListing<string[]> Labels = new CachedListing<string[]>(ListLabels);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completions.Matching(Labels.Get(), wordToComplete);

        private static string[] ListLabels()
        {
            var labels = new List<string>();
            foreach (Pkcs11Module module in Pkcs11Registry.Load().EnabledModules)
            {
                try
                {
                    using (var library = Pkcs11Library.Load(module.Path, module.Name, module.ConfigFile))
                    {
                        labels.AddRange(library.GetTokens(includeEmptySlots: false, _ => { }).Select(t => t.Label));
                    }
                }
                catch (Pkcs11ModuleException)
                {
                }
            }
            return Usable(labels);
        }

        /// <summary>The labels worth offering, from any listing of every enabled module's tokens.</summary>
        internal static string[] Usable(IEnumerable<string> labels) => labels.Where(l => !string.IsNullOrEmpty(l)).Distinct().ToArray();
    }
}
