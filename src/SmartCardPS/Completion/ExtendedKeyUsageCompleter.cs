using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Completion
{
    /// <summary>Completes the extendedKeyUsage names New-Pkcs11CertificateRequest knows (dotted OIDs are taken as
    /// typed).</summary>
    internal sealed class ExtendedKeyUsageCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completions.Matching(Pkcs11CertificateRequestSpec.ExtendedKeyUsageNames.Keys, wordToComplete);
    }
}
