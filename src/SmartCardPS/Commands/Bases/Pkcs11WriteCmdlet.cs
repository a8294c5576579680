using System;
using System.Linq;
using System.Management.Automation;
using System.Security;
using SmartCardPS.Completion;
using SmartCardPS.Parameters;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>
    /// The cmdlets that change one token (Initialize-Pkcs11Token, Set-/Reset-Pkcs11Pin, Import-Pkcs11Certificate,
    /// Import-Pkcs11Object): -Token or -Uri naming exactly one token, PIN changes, and input files. Finding the token,
    /// nothing loaded under -WhatIf and the provisioner's failures as errors are <see cref="Pkcs11TokenWriter"/>'s,
    /// which Pkcs11ObjectWriteCmdlet shares.
    /// </summary>
    public abstract class Pkcs11WriteCmdlet : SmartCardCmdlet
    {
        private Pkcs11TokenWriter writer;

        private protected Pkcs11TokenWriter Writer => writer ?? (writer = new Pkcs11TokenWriter(this, Pkcs11));

        protected const string TokenSet = "Token";
        protected const string UriSet = "Uri";

        /// <summary>
        /// <para type="description">The token, from Get-Pkcs11Token (-IncludeEmptySlots for uninitialised ones), or its
        /// label (an exact label always matches; a wildcard must match exactly one token).</para>
        /// </summary>
        [Parameter(ParameterSetName = TokenSet, Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The token, from Get-Pkcs11Token, or its label.")]
        [TokenLabelTransformation]
        [ArgumentCompleter(typeof(TokenLabelCompleter))]
        [ValidateNotNull]
        public Pkcs11Token Token { get; set; }

        /// <summary>
        /// <para type="description">A pkcs11: URI naming exactly one token, such as a Uri of Get-Pkcs11Token (with
        /// -IncludeEmptySlots, a slot-id URI for an uninitialised token) or a line p11tool prints; Remove-Pkcs11Object
        /// and Set-Pkcs11Object also read its object, id and type. Its pin-value or pin-source gives the PIN the
        /// command logs in with (a pin-value shows as pin-value=*** in every message).</para>
        /// </summary>
        [Parameter(ParameterSetName = UriSet, Mandatory = true, Position = 0, HelpMessage = "A pkcs11: URI naming one token (and objects).")]
        [ArgumentCompleter(typeof(TokenUriCompleter))]
        [ValidateNotNullOrEmpty]
        public string Uri { get; set; }

        /// <summary>
        /// Set-Pkcs11Pin and Reset-Pkcs11Pin: confirms <paramref name="action"/> on the one token given and runs
        /// <paramref name="change"/> with the PIN that authorises it (<paramref name="given"/>, else the URI's, else a
        /// prompt) and the new one (<paramref name="newPin"/>, else one prompt for the new <paramref name="newWhat"/>;
        /// PinRequired when the session cannot prompt). A token with a PIN pad (CKF_PROTECTED_AUTHENTICATION_PATH)
        /// given no PIN at all gets null for both: the pad asks for each, and nothing is typed here. With
        /// <paramref name="passThru"/> emits the token afterwards.
        /// </summary>
        private protected void ChangePin(string action, System.Security.SecureString given, string what, string howToGive, System.Security.SecureString newPin,
            string newWhat, bool passThru, System.Action<Pkcs11WriteTarget, byte[], byte[]> change)
        {
            if (WhatIfOnly)
            {
                ShouldProcess(Pkcs11TokenWriter.Describe(Token, Uri), action);
                return;
            }
            Pkcs11WriteTarget target = Writer.Resolve(Token, Uri);
            if (target == null || !ShouldProcess(Pkcs11TokenWriter.Describe(target.Token, null), action)) return;
            if (target.UsesPinPad(given, newPin))
            {
                Host.UI.WriteLine($"Enter the {what}, then the new {newWhat}, on the reader's PIN pad (token {UntrustedText.Quote(target.Token.Label)}).");
                Change(target, action, null, null, passThru, change);
                return;
            }
            // A PIN given one way means the user types here: the pad is not used for the other one either.
            if (!Pkcs11.PinFor(target.Token, given, target.Uri, target.ParsedUri, what, out Pkcs11Pin current, howToGive, pinPad: false)) return;
            using (current)
            {
                // The new PIN never comes from the URI (that holds the current one): -NewPin, -NewCredential, or a prompt.
                if (!Pkcs11.PinFor(target.Token, newPin, null, null, "new " + newWhat, out Pkcs11Pin next, "give -NewPin or -NewCredential", pinPad: false)) return;
                using (next) Change(target, action, current.Bytes, next.Bytes, passThru, change);
            }
        }

        private void Change(Pkcs11WriteTarget target, string action, byte[] current, byte[] next, bool passThru, System.Action<Pkcs11WriteTarget, byte[], byte[]> change)
        {
            try
            {
                change(target, current, next);
                WriteVerbose($"{action}: token {UntrustedText.Quote(target.Token.Label)} done.");
                if (passThru) PassThruToken(target);
            }
            catch (Pkcs11ModuleException ex)
            {
                Writer.WriteProvisioningError(ex, target.Token);
            }
        }

        /// <summary>
        /// Import-Pkcs11Certificate and Import-Pkcs11Object: under -WhatIf only describes <paramref name="action"/>;
        /// else reads the value (<paramref name="read"/>: null with its error written), finds the one token, confirms,
        /// logs in as the user when a PIN is given or <paramref name="loginNeeded"/> says the token wants one (one
        /// C_Login), and emits what <paramref name="write"/> stored (null: it wrote its own error). A refusal of the
        /// module is one provisioning error.
        /// </summary>
        private protected void ImportToToken(string action, SecureString pin, Func<byte[]> read, Func<Pkcs11Token, bool> loginNeeded,
            Func<Pkcs11WriteTarget, byte[], bool, byte[], Pkcs11Object> write)
        {
            if (WhatIfOnly)
            {
                ShouldProcess(Pkcs11TokenWriter.Describe(Token, Uri), action);
                return;
            }
            byte[] value = read();
            if (value == null) return;
            Pkcs11WriteTarget target = Writer.Resolve(Token, Uri);
            if (target == null || !ShouldProcess(Pkcs11TokenWriter.Describe(target.Token, null), action)) return;
            bool login = pin != null || loginNeeded(target.Token);
            if (!Writer.UserPinFor(target, login, pin, out Pkcs11Pin bytes)) return;
            using (bytes)
            {
                try
                {
                    Pkcs11Object stored = write(target, value, login, bytes?.Bytes);
                    if (stored != null) WriteObject(stored);
                }
                catch (Pkcs11ModuleException ex)
                {
                    Writer.WriteProvisioningError(ex, target.Token);
                }
            }
        }

        /// <summary>
        /// The bytes of a file the user names (at most 1 MiB, only a regular file: SafeFile); null with the error
        /// written (ReadFailed, or the unsafe-path reason) when it cannot be read.
        /// </summary>
        protected byte[] ReadInputFile(string path)
        {
            try
            {
                return Os.SafeFile.ReadBytes(path, 1 << 20) ?? throw new System.IO.FileNotFoundException($"The file {UntrustedText.Quote(path)} does not exist.", path);
            }
            catch (System.Exception ex) when (ex is System.IO.IOException || ex is System.UnauthorizedAccessException)
            {
                if (!TryWriteUnsafePathError(ex, path)) WriteError(NewError(ex, "ReadFailed", ErrorCategory.ReadError, path));
                return null;
            }
        }
        /// <summary>
        /// Emits the target's token as its module lists it now (its flags changed); a token gone since is an error.
        /// </summary>
        private void PassThruToken(Pkcs11WriteTarget target)
        {
            try
            {
                Pkcs11Token now = target.Library.GetTokens(true).FirstOrDefault(t => t.SlotId == target.Token.SlotId && t.SerialNumber == target.Token.SerialNumber);
                if (now != null) WriteObject(now);
            }
            catch (Pkcs11ModuleException ex)
            {
                Writer.WriteProvisioningError(ex, target.Token);
            }
        }
    }
}
