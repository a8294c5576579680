using System;
using System.Management.Automation;
using System.Security;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Initialises a PKCS#11 token (C_InitToken): sets its label and SO PIN and, with -UserPin,
    /// its user PIN, as softhsm2-util --init-token and pkcs11-tool --init-token --init-pin do.</para>
    /// <para type="description">Takes one token: piped from Get-Pkcs11Token (uninitialised ones, such as SoftHSM's free
    /// slot, come with -IncludeEmptySlots), a label, a pkcs11: URI (a slot-id URI reaches an uninitialised token), or
    /// -Module and -SlotId (a module name or library path and a slot, for a token that has no label yet). A
    /// token that is already initialised is refused unless -Force, as initialising erases every object on it; the
    /// confirmation then says how many public objects would be lost. With -UserPin it then logs in as SO and sets the
    /// user PIN (C_InitPIN) in the same call. Emits the token as its module now lists it (SoftHSM gives it a new slot
    /// id). PINs are SecureStrings or PSCredentials, never echoed; the SO PIN left out comes from the URI, a PIN pad
    /// or a prompt (in an interactive session only). A wrong SO PIN (when re-initialising) is reported once with the
    /// token's SO PIN counter flags and never retried. -WhatIf loads no module: it describes the token as it was
    /// given.</para>
    /// </summary>
    /// <example>
    /// <code>Get-Pkcs11Token -IncludeEmptySlots |
    ///     Where-Object { $_.TokenPresent -and -not $_.TokenInitialized } | Select-Object -First 1 |
    ///     Initialize-Pkcs11Token -Label 'CI token' -SoPin (ConvertTo-SecureString 87654321 -AsPlainText -Force) `
    ///         -UserPin (ConvertTo-SecureString 123456 -AsPlainText -Force) -Confirm:$false</code>
    /// <para>Initialises the first uninitialised token (SoftHSM's free slot) as 'CI token' with an SO PIN and a user
    /// PIN, as a CI job would; at a prompt, leave -SoPin and -UserPin out of a script and use Read-Host
    /// -AsSecureString.</para>
    /// </example>
    /// <example>
    /// <code>Initialize-Pkcs11Token -Token MyToken -Label 'Fresh' -SoPin (ConvertTo-SecureString 5678 -AsPlainText `
    ///     -Force) -Force -WhatIf</code>
    /// <para>Shows what re-initialising MyToken would do, without loading its module or asking for anything
    /// else.</para>
    /// </example>
    /// <example>
    /// <code>Get-Pkcs11Token -Module softhsm2 -IncludeEmptySlots | Where-Object TokenInitialized -EQ $false |
    ///     ForEach-Object { Initialize-Pkcs11Token -Module softhsm2 -SlotId $_.SlotId -Label 'By slot' `
    ///         -SoPin (ConvertTo-SecureString 87654321 -AsPlainText -Force) -WhatIf }</code>
    /// <para>Shows what initialising SoftHSM's uninitialised slot, named by its module and slot id as
    /// softhsm2-util --init-token --slot does, would do; without -WhatIf it asks to confirm, then does it.</para>
    /// </example>
    [Cmdlet(VerbsData.Initialize, "Pkcs11Token", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = TokenSet)]
    [OutputType(typeof(Pkcs11Token))]
    public sealed class InitializePkcs11TokenCommand : Pkcs11WriteCmdlet
    {
        private const string SlotSet = "Slot";

        /// <summary>
        /// <para type="description">With -SlotId: the module, a registered name (as Get-Pkcs11Module lists it) or a
        /// library path, as Get-Pkcs11Token -Module takes it. A bare file name (libfoo.so) is looked for only in
        /// p11-kit's module directory.</para>
        /// </summary>
        [Parameter(ParameterSetName = SlotSet, Mandatory = true, HelpMessage = "A registered module name or a library path.")]
        [Alias("ModulePath")]
        [ArgumentCompleter(typeof(ModuleNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Module { get; set; }

        /// <summary>
        /// <para type="description">With -Module: the slot holding the token, initialised or not (SlotId of
        /// Get-Pkcs11Token -IncludeEmptySlots, the slot softhsm2-util --show-slots and pkcs11-tool --list-slots
        /// show).</para>
        /// </summary>
        [Parameter(ParameterSetName = SlotSet, Mandatory = true, HelpMessage = "The slot id (SlotId of Get-Pkcs11Token -IncludeEmptySlots).")]
        public ulong SlotId { get; set; }

        /// <summary>
        /// <para type="description">The new token label: at most 32 bytes in UTF-8, no control characters.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 1, HelpMessage = "The new token label (at most 32 bytes in UTF-8).")]
        [ValidateNotNullOrEmpty]
        public string Label { get; set; }

        /// <summary>
        /// <para type="description">The SO PIN: set on an uninitialised token; checked (one try off its counter when
        /// wrong) on an initialised one. Without it (or -SoCredential) the URI's pin-value or pin-source is taken,
        /// else a token on a reader with a PIN pad asks on the pad, else it is prompted for in an interactive
        /// session only.</para>
        /// </summary>
        [Parameter(HelpMessage = "The security officer (SO) PIN.")]
        [ValidateNotNull]
        public SecureString SoPin { get; set; }

        /// <summary>
        /// <para type="description">The SO PIN as a PSCredential's password (the user name is ignored), as
        /// Get-Credential or a secret vault gives it. Not together with -SoPin.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNull]
        public PSCredential SoCredential { get; set; }

        /// <summary>
        /// <para type="description">The user PIN to set right after (C_Login as SO, C_InitPIN). Without it the token
        /// has no user PIN until Reset-Pkcs11Pin sets one.</para>
        /// </summary>
        [Parameter(HelpMessage = "The user PIN to set.")]
        [ValidateNotNull]
        public SecureString UserPin { get; set; }

        /// <summary>
        /// <para type="description">The user PIN to set, as a PSCredential's password. Not together with
        /// -UserPin.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNull]
        public PSCredential UserCredential { get; set; }

        /// <summary>
        /// <para type="description">Initialise a token that is already initialised, erasing every object on it.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void BeginProcessing()
        {
            Pkcs11.RefuseTwoPins(SoPin, SoCredential);
            Pkcs11.RefuseTwoPins(UserPin, UserCredential);
            try
            {
                Pkcs11Provisioner.PaddedLabel(Label);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(NewError(ex, "InvalidLabel", ErrorCategory.InvalidArgument, Label));
            }
        }

        protected override void ProcessRecord()
        {
            SecureString userPin = UserPin ?? UserCredential?.Password;
            string action = $"Initialise as {UntrustedText.Quote(Label)}, setting the SO PIN{(userPin != null ? " and the user PIN" : string.Empty)}";
            bool bySlot = ParameterSetName == SlotSet;
            if (WhatIfOnly)
            {
                ShouldProcess(bySlot ? Pkcs11TokenWriter.DescribeSlot(Module, SlotId) : Pkcs11TokenWriter.Describe(Token, Uri),
                    action + (Token == null || Token.TokenInitialized || Token.LabelOnly ? " (an initialised token loses every object)" : string.Empty));
                return;
            }
            Pkcs11WriteTarget target = bySlot ? Writer.ResolveSlot(Module, SlotId) : Writer.Resolve(Token, Uri);
            if (target == null) return;
            Pkcs11Token token = target.Token;
            if (token.TokenInitialized)
            {
                int count = CountPublicObjects(target);
                string lost = count >= 0 ? $"{count} public object(s) and every private one" : "every object";
                if (!Force)
                {
                    WriteError(NewError(new InvalidOperationException($"The token {UntrustedText.Quote(token.Label)} is initialised and holds {lost}: initialising it erases them. Give -Force to do it anyway; nothing was changed."),
                        "TokenInitialized", ErrorCategory.ResourceExists, token));
                    return;
                }
                action += $", erasing its {lost}";
            }
            if (!ShouldProcess(Pkcs11TokenWriter.Describe(token, null), action)) return;
            SecureString soPin = SoPin ?? SoCredential?.Password;
            // As Reset-Pkcs11Pin: the pad asks only when no PIN is given at all; a PIN given one way means typing here.
            if (target.UsesPinPad(soPin, userPin))
            {
                Host.UI.WriteLine($"Enter the SO PIN on the reader's PIN pad (token {UntrustedText.Quote(token.Label)}).");
                Initialize(target, null, null);
                return;
            }
            if (!Pkcs11.PinFor(token, soPin, target.Uri, target.ParsedUri, "SO PIN", out Pkcs11Pin so, "give -SoPin, -SoCredential or a URI with pin-source", pinPad: false)) return;
            using (so)
            using (Pkcs11Pin user = userPin == null ? null : Pkcs11Pin.FromSecureString(userPin))
            {
                Initialize(target, so.Bytes, user?.Bytes);
            }
        }

        private void Initialize(Pkcs11WriteTarget target, byte[] soPin, byte[] userPin)
        {
            try
            {
                WriteObject(Pkcs11Provisioner.InitializeToken(target.Library, target.Token, soPin, Label, userPin));
            }
            catch (Pkcs11ModuleException ex)
            {
                Writer.WriteProvisioningError(ex, target.Token);
            }
        }

        /// <summary>How many objects are visible without a login; -1 when the token will not say.</summary>
        private int CountPublicObjects(Pkcs11WriteTarget target)
        {
            try
            {
                return Pkcs11ObjectReader.Read(target.Library, target.Token, new Pkcs11ObjectQuery()).Count;
            }
            catch (Pkcs11ModuleException ex)
            {
                WriteVerbose($"Could not count the objects of token {UntrustedText.Quote(target.Token.Label)}: {ex.Message}");
                return -1;
            }
        }
    }
}
