using System;

namespace SmartCardPS.Udev
{
    /// <summary>A udev rule refused before it was written, or taken back after udev rejected it.</summary>
    [Serializable]
    public class UdevRuleException : Exception
    {
        public UdevRuleException(UdevRuleFailure failure, string message, string target, Exception inner = null)
            : base(message, inner)
        {
            Failure = failure;
            Target = target;
        }

        protected UdevRuleException(System.Runtime.Serialization.SerializationInfo info,
            System.Runtime.Serialization.StreamingContext context)
            : base(info, context) { }

        public UdevRuleFailure Failure { get; }

        /// <summary>What the failure is about: the group for GroupNotFound, else the rules file.</summary>
        [field: NonSerialized]
        public string Target { get; }
    }
}
