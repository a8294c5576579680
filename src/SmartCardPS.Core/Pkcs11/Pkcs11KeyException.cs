using System;
using SmartCardPS.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// A key operation on a token failed or was refused: names the token, the module and the CKR_ code when the module
    /// returned one, and says what to do. The module's own failure (Pkcs11ModuleException) is the InnerException.
    /// </summary>
    [Serializable]
    public sealed class Pkcs11KeyException : Pkcs11ModuleException
    {
        internal Pkcs11KeyException(Pkcs11KeyFailure failure, Pkcs11Library library, Pkcs11Token token, string message, ulong? returnValue = null, Exception inner = null)
            : base($"Token {UntrustedText.Quote(token?.Label)} (module {UntrustedText.Quote(library?.Name)}): {message}", Pkcs11FailureKind.CallFailed,
                library?.Name, library?.Path, library?.ConfigFile, message, returnValue,
                returnValue.HasValue ? Pkcs11Names.ReturnValue(returnValue.Value) : null, inner)
        {
            Failure = failure;
            TokenLabel = token?.Label;
        }

        private Pkcs11KeyException(System.Runtime.Serialization.SerializationInfo info, System.Runtime.Serialization.StreamingContext context)
            : base(info, context) { }

        public Pkcs11KeyFailure Failure { get; }
        public string TokenLabel { get; }
    }
}
