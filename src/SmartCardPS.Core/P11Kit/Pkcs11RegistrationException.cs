using System;

namespace SmartCardPS.P11Kit
{
    /// <summary>A refused or failed registration: what went wrong, about what (a module, a file or a library path).</summary>
    [Serializable]
    public class Pkcs11RegistrationException : Exception
    {
        public Pkcs11RegistrationException(Pkcs11RegistrationFailure failure, string message, object target, Exception inner = null)
            : base(message, inner)
        {
            Failure = failure;
            Target = target;
        }

        protected Pkcs11RegistrationException(System.Runtime.Serialization.SerializationInfo info, System.Runtime.Serialization.StreamingContext context)
            : base(info, context) { }

        public Pkcs11RegistrationFailure Failure { get; }

        /// <summary>The registration, config file or library the failure is about.</summary>
        [field: NonSerialized]
        public object Target { get; }
    }
}
