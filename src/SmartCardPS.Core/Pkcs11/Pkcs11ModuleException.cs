using System;
using SmartCardPS.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// A PKCS#11 module failed, or one of its slots did: names the module, its config file, the slot and the
    /// reason (the CKR_ name or the loader's message). Pkcs11Interop's exception, when there is one, is the
    /// InnerException.
    /// </summary>
    [Serializable]
    public class Pkcs11ModuleException : Exception
    {
        public Pkcs11ModuleException(Pkcs11FailureKind kind, string moduleName, string modulePath, string configFile,
            string reason, ulong? returnValue = null, string returnValueName = null, Exception inner = null, ulong? slotId = null)
            : this(Describe(moduleName, modulePath, configFile, reason, slotId), kind, moduleName, modulePath, configFile, reason, returnValue, returnValueName, inner)
        {
            SlotId = slotId;
        }

        /// <summary>For failures that are not the module's fault (a wrong PIN), with their own message.</summary>
        protected Pkcs11ModuleException(string message, Pkcs11FailureKind kind, string moduleName, string modulePath, string configFile,
            string reason, ulong? returnValue, string returnValueName, Exception inner)
            : base(message, inner)
        {
            Kind = kind;
            ModuleName = moduleName;
            ModulePath = modulePath;
            ConfigFile = configFile;
            Reason = reason;
            ReturnValue = returnValue;
            ReturnValueName = returnValueName;
        }

        protected Pkcs11ModuleException(System.Runtime.Serialization.SerializationInfo info, System.Runtime.Serialization.StreamingContext context)
            : base(info, context) { }

        public Pkcs11FailureKind Kind { get; }
        public string ModuleName { get; }
        public string ModulePath { get; }
        public string ConfigFile { get; }

        /// <summary>The CKR_ name, or the loader's message.</summary>
        public string Reason { get; }

        /// <summary>The CK_RV the module returned, for CallFailed.</summary>
        public ulong? ReturnValue { get; }

        /// <summary>The CKR_ name of ReturnValue.</summary>
        public string ReturnValueName { get; }

        /// <summary>The slot that failed, when the module as a whole still works.</summary>
        public ulong? SlotId { get; }

        private static string Describe(string name, string path, string configFile, string reason, ulong? slotId)
        {
            string what = name != null && name != path
                ? $"PKCS#11 module {UntrustedText.Quote(name)} ({UntrustedText.Quote(path)})"
                : $"PKCS#11 module {UntrustedText.Quote(path)}";
            string where = configFile != null ? $", registered in {UntrustedText.Quote(configFile)}," : string.Empty;
            if (slotId.HasValue) return $"Slot {slotId.Value} of the {what}{where} failed: {reason}";
            return $"The {what}{where} cannot be used: {reason}";
        }
    }
}
