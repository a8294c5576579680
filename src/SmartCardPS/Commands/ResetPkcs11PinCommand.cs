using System.Management.Automation;
using System.Security;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Sets or unblocks the user PIN of a PKCS#11 token with the SO PIN (C_Login as SO, then
    /// C_InitPIN), as pkcs11-tool --init-pin --login-type so and p11tool --initialize-pin do.</para>
    /// <para type="description">Takes one token (piped from Get-Pkcs11Token, a label, or a pkcs11: URI). The SO PIN
    /// comes from -SoPin, -SoCredential, the URI's pin-value or pin-source, or a prompt in an interactive session; the
    /// new user PIN from -NewPin or -NewCredential (prompted for when left out, in an interactive session only).
    /// Retry counters: the one C_Login as SO checks the SO PIN (a wrong one costs one SO PIN try and is reported once
    /// with the token's SO counter flags, never retried); C_InitPIN then sets the user PIN, which starts the user PIN's
    /// retry counter again, so a locked user PIN (UserPinLocked) is unblocked. Use it for a token initialised without a
    /// user PIN too. PINs are never taken from a plain string parameter and never echoed. On a reader with a PIN pad
    /// (the token's ProtectedAuthenticationPath flag), given no PIN at all, C_Login as SO and C_InitPIN get NULL PINs
    /// and the pad asks for the SO PIN and then the new user PIN. -WhatIf loads no module.</para>
    /// </summary>
    /// <example>
    /// <code>Get-Pkcs11Token | Where-Object UserPinLocked |
    ///     Reset-Pkcs11Pin -NewPin (ConvertTo-SecureString 123456 -AsPlainText -Force) -WhatIf</code>
    /// <para>Shows which tokens with a locked user PIN would be unblocked; without -WhatIf it asks for each one's SO
    /// PIN and unblocks them.</para>
    /// </example>
    /// <example>
    /// <code>Reset-Pkcs11Pin -Uri 'pkcs11:token=MyToken?pin-value=5678' -NewPin (ConvertTo-SecureString 1234 `
    ///     -AsPlainText -Force) -Confirm:$false -PassThru</code>
    /// <para>Sets MyToken's user PIN with the SO PIN in the URI (RFC 7512's pin-value, fit for a test token) and shows
    /// the token.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Reset, "Pkcs11Pin", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = TokenSet)]
    [OutputType(typeof(Pkcs11Token))]
    public sealed class ResetPkcs11PinCommand : Pkcs11WriteCmdlet
    {
        /// <summary>
        /// <para type="description">The security officer's PIN (SO PIN), as a SecureString. Without it, -SoCredential,
        /// or a PIN in the URI, the command prompts in an interactive session.</para>
        /// </summary>
        [Parameter(HelpMessage = "The SO PIN as a SecureString.")]
        [ValidateNotNull]
        public SecureString SoPin { get; set; }

        /// <summary>
        /// <para type="description">A credential whose password is the SO PIN (the user name is not used).</para>
        /// </summary>
        [Parameter(HelpMessage = "A credential whose password is the SO PIN.")]
        [Credential]
        [ValidateNotNull]
        public PSCredential SoCredential { get; set; }

        /// <summary>
        /// <para type="description">The new user PIN, as a SecureString. Without it or -NewCredential, the command
        /// prompts in an interactive session.</para>
        /// </summary>
        [Parameter(HelpMessage = "The new user PIN as a SecureString.")]
        [ValidateNotNull]
        public SecureString NewPin { get; set; }

        /// <summary>
        /// <para type="description">A credential whose password is the new user PIN (the user name is not used), e.g.
        /// from a SecretManagement vault; instead of -NewPin.</para>
        /// </summary>
        [Parameter(HelpMessage = "A credential whose password is the new user PIN.")]
        [Credential]
        [ValidateNotNull]
        public PSCredential NewCredential { get; set; }

        /// <summary>
        /// <para type="description">Emit the token as its module lists it afterwards (UserPinInitialized,
        /// UserPinLocked, ...).</para>
        /// </summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            Pkcs11.RefuseTwoPins(SoPin, SoCredential);
            Pkcs11.RefuseTwoPins(NewPin, NewCredential);
        }

        protected override void ProcessRecord() =>
            ChangePin("Set the user PIN with the SO PIN (unblocks a locked user PIN)", SoPin ?? SoCredential?.Password, "SO PIN",
                "give -SoPin, -SoCredential or a URI with pin-source", NewPin ?? NewCredential?.Password, "user PIN", PassThru,
                (target, so, user) => Pkcs11Provisioner.ResetUserPin(target.Library, target.Token, so, user));
    }
}
