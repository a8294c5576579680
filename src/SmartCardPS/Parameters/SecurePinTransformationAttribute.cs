using System;
using System.Management.Automation;
using System.Security;

namespace SmartCardPS.Parameters
{
    /// <summary>
    /// A PIN parameter given plain text (-Pin 1234): refused with the ways to pass a PIN, where PowerShell's own
    /// conversion error would say only that a string is not a SecureString, and would quote the PIN back. The message
    /// never holds the value. Every parameter that takes a PIN carries this attribute, so they all say the same.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class SecurePinTransformationAttribute : ArgumentTransformationAttribute
    {
        internal const string HowToPassAPin =
            "A PIN is taken as a SecureString, never as plain text (typed on the command line it stays in the history): "
            + "give -Pin (Read-Host -AsSecureString 'PIN'), -Credential (Get-Credential, or a SecretManagement vault), "
            + "or a pkcs11: URI with pin-source=<file whose first line is the PIN>; -Login alone uses the reader's PIN pad or prompts.";

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (value == null || value is SecureString) return inputData;
            throw new ArgumentTransformationMetadataException(HowToPassAPin);
        }
    }
}
