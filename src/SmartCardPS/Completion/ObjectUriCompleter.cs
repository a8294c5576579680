using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Completion
{
    /// <summary>
    /// Completes a -Uri naming one key or certificate (Export-Pkcs11PublicKey) with the URIs of the objects
    /// <see cref="ObjectLabelCompleter"/> offers labels of; pkcs11:object=My or My finds the objects whose label
    /// starts with My.
    /// </summary>
    internal class ObjectUriCompleter : IArgumentCompleter
    {
        /// <summary>The classes of object the parameter names.</summary>
        protected virtual Pkcs11ObjectClass[] Classes { get; } =
            { Pkcs11ObjectClass.Certificate, Pkcs11ObjectClass.PublicKey, Pkcs11ObjectClass.PrivateKey };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completions.MatchingUris(ObjectLabelCompleter.Listed().Where(o => Classes.Contains(o.Class)).Select(o => (o.Uri, o.Label)),
                wordToComplete, "object", "object");
    }
}
