using System.Management.Automation;
using System.Security;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes the user PIN or, with -SecurityOfficer, the SO PIN of a PKCS#11 token (C_SetPIN),
    /// as pkcs11-tool --change-pin and p11tool --set-pin do.</para>
    /// <para type="description">Takes one token (piped from Get-Pkcs11Token, a label, or a pkcs11: URI). The current
    /// PIN comes from -Pin, -Credential, the URI's pin-value or pin-source, or a prompt in an interactive session; the
    /// new one from -NewPin or -NewCredential (prompted for when left out, in an interactive session only). PINs are
    /// never taken from a plain string parameter and never echoed. Retry counters: the user PIN is changed by C_SetPIN
    /// alone, which checks the current PIN, so a wrong one costs exactly one try off the user PIN's counter; with
    /// -SecurityOfficer one C_Login as SO checks the SO PIN first (a wrong one costs one SO PIN try), then C_SetPIN
    /// changes it. A wrong PIN is reported once with the token's counter flags (PinCountLow, PinFinalTry, PinLocked on
    /// the exception) and never retried; most tokens reset the counter after a right PIN. A locked user PIN cannot be
    /// changed here: Reset-Pkcs11Pin unblocks it with the SO PIN. On a reader with a PIN pad (the token's
    /// ProtectedAuthenticationPath flag), given no PIN at all, the command types none: C_SetPIN gets NULL PINs (and
    /// C_Login as SO too, with -SecurityOfficer) and the pad asks for the current and the new PIN, as pkcs11-tool
    /// --change-pin does on such readers. -WhatIf loads no module.</para>
    /// </summary>
    /// <example>
    /// <code>Set-Pkcs11Pin -Token MyToken -Pin (ConvertTo-SecureString 1234 -AsPlainText -Force) `
    ///     -NewPin (ConvertTo-SecureString 1234 -AsPlainText -Force) -PassThru</code>
    /// <para>Changes the user PIN of MyToken (here to the same test PIN) and shows the token, whose PIN flags a right
    /// PIN clears. At a prompt, leave -Pin and -NewPin out to be asked for them.</para>
    /// </example>
    /// <example>
    /// <code>Set-Pkcs11Pin -Uri 'pkcs11:token=MyToken?pin-source=/run/secrets/so-pin' -SecurityOfficer `
    ///     -NewPin (ConvertTo-SecureString 87654321 -AsPlainText -Force) -WhatIf</code>
    /// <para>Shows what changing the SO PIN would do, the current SO PIN to be read from a file; nothing is loaded or
    /// read under -WhatIf.</para>
    /// </example>
    /// <example>
    /// <code>Get-Pkcs11Token -Label MyToken | Where-Object Flags -Match ProtectedAuthenticationPath |
    ///     Set-Pkcs11Pin -WhatIf</code>
    /// <para>On a reader with a PIN pad, changes the user PIN with both PINs typed on the pad (here only what it would
    /// do; MyToken, a SoftHSM token, has no pad, so nothing is piped).</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "Pkcs11Pin", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = TokenSet)]
    [OutputType(typeof(Pkcs11Token))]
    public sealed class SetPkcs11PinCommand : Pkcs11WriteCmdlet
    {
        /// <summary>
        /// <para type="description">The current PIN (the SO PIN with -SecurityOfficer), as a SecureString. Without it,
        /// -Credential, or a PIN in the URI, the command prompts in an interactive session.</para>
        /// </summary>
        [Parameter(HelpMessage = "The current PIN as a SecureString.")]
        [ValidateNotNull]
        public SecureString Pin { get; set; }

        /// <summary>
        /// <para type="description">A credential whose password is the current PIN (the user name is not used), e.g.
        /// from a SecretManagement vault.</para>
        /// </summary>
        [Parameter(HelpMessage = "A credential whose password is the current PIN.")]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        /// <summary>
        /// <para type="description">The new PIN, as a SecureString; the token decides which lengths it takes
        /// (MinPinLength, MaxPinLength of Get-Pkcs11Token). Without it or -NewCredential, the command
        /// prompts in an interactive session.</para>
        /// </summary>
        [Parameter(HelpMessage = "The new PIN as a SecureString.")]
        [ValidateNotNull]
        public SecureString NewPin { get; set; }

        /// <summary>
        /// <para type="description">A credential whose password is the new PIN (the user name is not used), e.g.
        /// from a SecretManagement vault; instead of -NewPin.</para>
        /// </summary>
        [Parameter(HelpMessage = "A credential whose password is the new PIN.")]
        [Credential]
        [ValidateNotNull]
        public PSCredential NewCredential { get; set; }

        /// <summary>
        /// <para type="description">Change the security officer's PIN (SO PIN) instead of the user PIN.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter SecurityOfficer { get; set; }

        /// <summary>
        /// <para type="description">Emit the token as its module lists it afterwards (its PIN flags).</para>
        /// </summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            Pkcs11.RefuseTwoPins(Pin, Credential);
            Pkcs11.RefuseTwoPins(NewPin, NewCredential);
        }

        protected override void ProcessRecord()
        {
            string what = SecurityOfficer ? "SO PIN" : "user PIN";
            ChangePin($"Change the {what}", Pin ?? Credential?.Password, "current " + what, "give -Pin, -Credential or a URI with pin-source",
                NewPin ?? NewCredential?.Password, what, PassThru,
                (target, current, next) => Pkcs11Provisioner.ChangePin(target.Library, target.Token, SecurityOfficer, current, next));
        }
    }
}
