using System;
using System.IO;
using System.Management.Automation;
using System.Security;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;
using Pkcs11Uri = Net.Pkcs11Interop.Common.Pkcs11Uri;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>
    /// The PIN a run logs in with, in <see cref="Pkcs11PinSource"/>'s precedence, and how a refused one is reported.
    /// </summary>
    internal sealed partial class Pkcs11Run
    {
        /// <summary>
        /// A PIN in <see cref="Pkcs11PinSource"/>'s precedence (-Pin or -Credential, the URI's pin-value, its
        /// pin-source, the reader's PIN pad when <paramref name="pinPad"/> allows it, one prompt). False, with the
        /// error written, when there is none; <paramref name="howToGive"/> ends that error's message. The caller
        /// disposes <paramref name="pin"/>, which zeroes it; it is null for the PIN pad.
        /// </summary>
        internal bool PinFor(Pkcs11Token token, SecureString given, string uri, Pkcs11Uri parsed, string what,
            out Pkcs11Pin pin, string howToGive, bool pinPad = true)
        {
            Exception cannotPrompt = null;
            Pkcs11PinOrigin origin;
            try
            {
                origin = Pkcs11PinSource.Resolve(token, given, uri, parsed?.PinSource, pinPad, () => PromptPin(token, what, out cannotPrompt), out pin);
            }
            catch (IOException ex)
            {
                pin = null;
                cmdlet.WriteError(cmdlet.NewError(ex, "PinSourceUnreadable", ErrorCategory.ReadError, parsed?.PinSource));
                return false;
            }
            if (origin == Pkcs11PinOrigin.PinPad) cmdlet.Host.UI.WriteLine($"Enter the {what} for token {UntrustedText.Quote(token.Label)} on the reader's PIN pad.");
            if (origin != Pkcs11PinOrigin.None) return true;
            cmdlet.WriteError(cmdlet.NewError(new InvalidOperationException(
                $"Token {UntrustedText.Quote(token.Label)} needs its {what}: {howToGive} (this session cannot prompt).", cannotPrompt),
                "PinRequired", ErrorCategory.InvalidOperation, token));
            return false;
        }

        /// <summary>Stops with PinConflict when the PIN is given twice (-Pin and -Credential).</summary>
        internal void RefuseTwoPins(SecureString pin, PSCredential credential)
        {
            if (pin != null && credential != null)
            {
                cmdlet.ThrowTerminatingError(cmdlet.NewError(new ArgumentException("Give the PIN once: -Pin or -Credential, not both."),
                    "PinConflict", ErrorCategory.InvalidArgument, null));
            }
        }

        /// <summary>
        /// One prompt for the PIN; null, with the reason in <paramref name="failure"/>, when none was typed or the host
        /// cannot prompt (a -NonInteractive session, a job, remoting without a host UI).
        /// </summary>
        private SecureString PromptPin(Pkcs11Token token, string what, out Exception failure)
        {
            failure = null;
            try
            {
                var field = new System.Management.Automation.Host.FieldDescription("PIN");
                field.SetParameterType(typeof(SecureString));
                var answers = cmdlet.Host.UI.Prompt($"Token {UntrustedText.Quote(token.Label)}", $"Enter the {what}.",
                    new System.Collections.ObjectModel.Collection<System.Management.Automation.Host.FieldDescription> { field });
                if (answers.TryGetValue("PIN", out PSObject typed) && typed?.BaseObject is SecureString secret) return secret;
                failure = new PSInvalidOperationException("No PIN was entered.");
            }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is System.Management.Automation.Host.HostException || ex is NotImplementedException)
            {
                failure = ex;
            }
            return null;
        }
    }
}
