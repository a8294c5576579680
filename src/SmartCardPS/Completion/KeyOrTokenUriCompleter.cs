using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SmartCardPS.Completion
{
    /// <summary>
    /// Completes a -Uri that names private keys or whole tokens (Test-Pkcs11Key): the private keys' URIs, listed once a
    /// Get-Pkcs11Object -Login of this session saw them, then the present tokens' URIs.
    /// </summary>
    internal sealed class KeyOrTokenUriCompleter : IArgumentCompleter
    {
        private readonly PrivateKeyUriCompleter keys = new PrivateKeyUriCompleter();
        private readonly TokenUriCompleter tokens = new TokenUriCompleter();

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            keys.CompleteArgument(commandName, parameterName, wordToComplete, commandAst, fakeBoundParameters)
                .Concat(tokens.CompleteArgument(commandName, parameterName, wordToComplete, commandAst, fakeBoundParameters))
                .ToList();
    }
}
