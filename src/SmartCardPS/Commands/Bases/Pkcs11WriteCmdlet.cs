using System.Linq;
using System.Management.Automation;
using SmartCardPS.Completion;
using SmartCardPS.P11Kit;
using SmartCardPS.Parameters;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;
using Pkcs11Uri = Net.Pkcs11Interop.Common.Pkcs11Uri;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>
    /// What the cmdlets that change a token share (Initialize-Pkcs11Token, Set-/Reset-Pkcs11Pin, Import-, Set-,
    /// Remove-Pkcs11Object):
    /// exactly one token per input (a token, a label, or a pkcs11: URI), nothing loaded under -WhatIf (the confirmation
    /// is made
    /// from what the user gave), and the provisioner's failures as errors with stable reasons.
    /// </summary>
    public abstract class Pkcs11WriteCmdlet : Pkcs11TokenCmdlet
    {
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

        /// <summary>The one token an input names, with its module and library, and the URI it came from (for pin-value
        /// and pin-source).</summary>
        protected sealed class Target
        {
            public Pkcs11Module Module { get; set; }
            public Pkcs11Library Library { get; set; }
            public Pkcs11Token Token { get; set; }
            public string Uri { get; set; }
            public Pkcs11Uri ParsedUri { get; set; }
        }

        /// <summary>
        /// -WhatIf (or $WhatIfPreference): the cmdlet describes what it would do from its input alone, so that no
        /// module is
        /// loaded and none of a module's code runs.
        /// </summary>
        protected bool WhatIfOnly
        {
            get
            {
                if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object given)) return LanguagePrimitives.IsTrue(given);
                return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
            }
        }

        /// <summary>The token as the user gave it, for -WhatIf and confirmations: its label and URI, or the URI (its
        /// pin-value redacted).</summary>
        protected static string Describe(Pkcs11Token token, string uri)
        {
            if (uri != null) return UntrustedText.Quote(Pkcs11UriText.Redact(uri));
            if (token.LabelOnly) return $"token {UntrustedText.Quote(token.Label)}";
            string name = token.TokenInitialized ? UntrustedText.Quote(token.Label) : $"(uninitialised, slot {token.SlotId})";
            return $"token {name} ({UntrustedText.Quote(token.Uri)})";
        }

        /// <summary>
        /// The one token <paramref name="token"/> or <paramref name="uri"/> names, its module loaded; null with the
        /// error
        /// written when it names none (TokenNotFound) or several (AmbiguousToken). An uninitialised token counts when
        /// it is
        /// piped from Get-Pkcs11Token -IncludeEmptySlots or named by a slot-id URI.
        /// </summary>
        protected Target Resolve(Pkcs11Token token, string uri)
        {
            var found = new System.Collections.Generic.List<Target>();
            Pkcs11Uri parsed = null;
            if (uri != null)
            {
                parsed = ParseUri(uri);
                if (parsed == null) return null;
                found.AddRange(TokensByUri(parsed).Select(pair => new Target { Module = pair.Key, Token = pair.Value, Uri = uri, ParsedUri = parsed }));
            }
            else if (token.LabelOnly)
            {
                var all = AllTokens().ToList();
                var filter = new NameFilter(new[] { token.Label }).Among(all.Select(pair => pair.Value.Label));
                found.AddRange(all.Where(pair => filter.IsMatch(pair.Value.Label)).Select(pair => new Target { Module = pair.Key, Token = pair.Value }));
            }
            else
            {
                Pkcs11Token current = CurrentToken(token, out Pkcs11Module module);
                if (current == null) return null;
                found.Add(new Target { Module = module, Token = current });
            }
            return Single(found, Describe(token, uri), uri != null ? Pkcs11UriText.Redact(uri) : (object)token);
        }

        /// <summary>
        /// The token in slot <paramref name="slotId"/> of <paramref name="module"/> (a registered name or a library
        /// path, as Get-Pkcs11Token -Module takes it), initialised or not; null with the error written when the slot
        /// holds no token (TokenNotFound) or the module names several (AmbiguousToken).
        /// </summary>
        protected Target ResolveSlot(string module, ulong slotId)
        {
            var found = new System.Collections.Generic.List<Target>();
            foreach (Pkcs11Module each in ResolveModules(new[] { module }))
            {
                found.AddRange(TokensOf(each, includeEmptySlots: true).Where(t => t.SlotId == slotId && t.TokenPresent)
                    .Select(t => new Target { Module = each, Token = t }));
            }
            return Single(found, DescribeSlot(module, slotId), module);
        }

        /// <summary>A slot as the user gave it, for -WhatIf and errors.</summary>
        protected static string DescribeSlot(string module, ulong slotId) => $"slot {slotId} of module {UntrustedText.Quote(module)}";

        /// <summary>The one target found, its module loaded; null with TokenNotFound or AmbiguousToken
        /// written.</summary>
        private Target Single(System.Collections.Generic.List<Target> found, string shown, object given)
        {
            if (found.Count == 0)
            {
                WriteError(NewError(new ItemNotFoundException($"No PKCS#11 token matches {shown}. Run Get-Pkcs11Token (-IncludeEmptySlots for uninitialised ones) to list the tokens and their URIs."),
                    "TokenNotFound", ErrorCategory.ObjectNotFound, given));
                return null;
            }
            if (found.Count > 1)
            {
                WriteError(NewError(new System.ArgumentException($"{shown} names {found.Count} tokens: {string.Join(", ", found.Select(t => UntrustedText.Quote(t.Token.Uri)))}. Give the Uri of one; nothing was changed."),
                    "AmbiguousToken", ErrorCategory.InvalidArgument, given));
                return null;
            }
            Target target = found[0];
            target.Library = Open(target.Module);
            return target.Library == null ? null : target;
        }

        /// <summary>
        /// A provisioning failure as one error: a refused PIN (PinIncorrect, PinLocked, ...; never retried), a
        /// write-protected
        /// token (WriteProtected), a function the module lacks (NotSupported), a token another login holds (TokenBusy),
        /// else WriteFailed.
        /// </summary>
        protected void WriteProvisioningError(Pkcs11ModuleException ex, object target)
        {
            if (ex is Pkcs11LoginException login)
            {
                WriteError(NewError(login, LoginReason(login), ErrorCategory.AuthenticationError, target));
                return;
            }
            switch (ex.ReturnValueName)
            {
                case "CKR_TOKEN_WRITE_PROTECTED":
                    WriteError(NewError(ex, "WriteProtected", ErrorCategory.PermissionDenied, target));
                    return;
                case "CKR_FUNCTION_NOT_SUPPORTED":
                    WriteError(NewError(ex, "NotSupported", ErrorCategory.NotImplemented, target));
                    return;
                case "CKR_SESSION_EXISTS":
                case "CKR_SESSION_READ_ONLY_EXISTS":
                case "CKR_USER_ALREADY_LOGGED_IN":
                case "CKR_USER_ANOTHER_ALREADY_LOGGED_IN":
                    WriteError(NewError(ex, "TokenBusy", ErrorCategory.ResourceBusy, target));
                    return;
                default:
                    WriteError(NewError(ex, "WriteFailed", CategoryOf(ex.Kind), target));
                    return;
            }
        }

        /// <summary>Stops with PinConflict when the PIN is given twice (a SecureString and a credential).</summary>
        protected void RefuseTwoPins(System.Security.SecureString pin, PSCredential credential)
        {
            if (pin != null && credential != null)
            {
                ThrowTerminatingError(NewError(new System.ArgumentException("Give the PIN once: as a SecureString or as a credential, not both."),
                    "PinConflict", ErrorCategory.InvalidArgument, null));
            }
        }

        /// <summary>Emits the target's token as its module lists it now (its flags changed); a token gone since is an
        /// error.</summary>
        protected void PassThruToken(Target target)
        {
            try
            {
                Pkcs11Token now = target.Library.GetTokens(true).FirstOrDefault(t => t.SlotId == target.Token.SlotId && t.SerialNumber == target.Token.SerialNumber);
                if (now != null) WriteObject(now);
            }
            catch (Pkcs11ModuleException ex)
            {
                WriteProvisioningError(ex, target.Token);
            }
        }

        /// <summary>
        /// Runs <paramref name="apply"/> (a Pkcs11Provisioner call that picks from what matches) on the objects
        /// <paramref name="query"/>
        /// selects on the token that <paramref name="token"/> or <paramref name="uri"/> names: logged in as the user
        /// when the token
        /// requires it or a PIN is given, with one C_Login. The pick confirms each object (ShouldProcess on its Uri);
        /// none matching
        /// is ObjectNotFound, several without <paramref name="force"/> is AmbiguousObject listing them, and nothing is
        /// changed then.
        /// Under -WhatIf nothing is loaded: <paramref name="shown"/> describes the selection.
        /// </summary>
        protected void ApplyToObjects(Pkcs11Token token, string uri, Pkcs11ObjectQuery query, string shown, string action, bool force,
            System.Security.SecureString pin,
            System.Func<Target, Pkcs11ObjectQuery, System.Func<System.Collections.Generic.IReadOnlyList<Pkcs11Object>, System.Collections.Generic.IEnumerable<Pkcs11Object>>, System.Collections.Generic.List<Pkcs11Object>> apply)
        {
            if (WhatIfOnly)
            {
                ShouldProcess(shown, action);
                return;
            }
            Target target = Resolve(token, uri);
            if (target == null) return;
            query.Login = pin != null || target.Token.Flags.HasFlag(Pkcs11TokenFlags.LoginRequired) || UriHasPin(target);
            if (!UserPinFor(target, query.Login, pin, out Pkcs11Pin bytes)) return;
            using (bytes)
            {
                query.Pin = bytes?.Bytes;
                try
                {
                    foreach (Pkcs11Object done in apply(target, query, all => Pick(all, shown, action, force)))
                        WriteVerbose($"{action}: {done.Uri}");
                }
                catch (Pkcs11ModuleException ex)
                {
                    WriteProvisioningError(ex, target.Token);
                }
                finally
                {
                    query.Pin = null;
                }
            }
        }

        private System.Collections.Generic.IEnumerable<Pkcs11Object> Pick(System.Collections.Generic.IReadOnlyList<Pkcs11Object> all, string shown, string action, bool force)
        {
            if (all.Count == 0)
            {
                WriteError(NewError(new ItemNotFoundException($"No object matches {shown}. Run Get-Pkcs11Object (-Login for private objects) to list them and their URIs."),
                    "ObjectNotFound", ErrorCategory.ObjectNotFound, shown));
                return System.Array.Empty<Pkcs11Object>();
            }
            if (all.Count > 1 && !force)
            {
                WriteError(NewError(new System.ArgumentException($"{shown} matches {all.Count} objects: {string.Join(", ", all.Select(o => o.Uri))}. Give -Force to act on all of them, or a URI that names one; nothing was changed."),
                    "AmbiguousObject", ErrorCategory.InvalidArgument, shown));
                return System.Array.Empty<Pkcs11Object>();
            }
            return all.Where(o => ShouldProcess(o.Uri, action)).ToList();
        }

        /// <summary>The exact search for one listed object: its class, label and id (data objects have no
        /// CKA_ID).</summary>
        protected static Pkcs11ObjectQuery QueryFor(Pkcs11Object obj) => new Pkcs11ObjectQuery
        {
            Class = obj.Class,
            Label = obj.Label,
            Id = obj.Class == Pkcs11ObjectClass.Data && string.IsNullOrEmpty(obj.Id) ? null : Hex.TryParse(obj.Id ?? string.Empty) ?? new byte[0],
        };

        /// <summary>
        /// Set-Pkcs11Pin and Reset-Pkcs11Pin: confirms <paramref name="action"/> on the one token given and runs
        /// <paramref name="change"/> with the PIN that authorises it (<paramref name="given"/>, else the URI's, else a
        /// prompt) and the new one (<paramref name="newPin"/>, else one prompt for the new <paramref name="newWhat"/>;
        /// PinRequired when the session cannot prompt). A token with a PIN pad (CKF_PROTECTED_AUTHENTICATION_PATH)
        /// given no PIN at all gets null for both: the pad asks for each, and nothing is typed here. With
        /// <paramref name="passThru"/> emits the token afterwards.
        /// </summary>
        protected void ChangePin(string action, System.Security.SecureString given, string what, string howToGive, System.Security.SecureString newPin,
            string newWhat, bool passThru, System.Action<Target, byte[], byte[]> change)
        {
            if (WhatIfOnly)
            {
                ShouldProcess(Describe(Token, Uri), action);
                return;
            }
            Target target = Resolve(Token, Uri);
            if (target == null || !ShouldProcess(Describe(target.Token, null), action)) return;
            if (given == null && newPin == null && !UriHasPin(target) && target.Token.Flags.HasFlag(Pkcs11TokenFlags.ProtectedAuthenticationPath))
            {
                Host.UI.WriteLine($"Enter the {what}, then the new {newWhat}, on the reader's PIN pad (token {UntrustedText.Quote(target.Token.Label)}).");
                Change(target, action, null, null, passThru, change);
                return;
            }
            // A PIN given one way means the user types here: the pad is not used for the other one either.
            if (!PinFor(target.Token, given, target.Uri, target.ParsedUri, what, out Pkcs11Pin current, howToGive, pinPad: false)) return;
            using (current)
            {
                // The new PIN never comes from the URI (that holds the current one): -NewPin, -NewCredential, or a prompt.
                if (!PinFor(target.Token, newPin, null, null, "new " + newWhat, out Pkcs11Pin next, "give -NewPin or -NewCredential", pinPad: false)) return;
                using (next) Change(target, action, current.Bytes, next.Bytes, passThru, change);
            }
        }

        private void Change(Target target, string action, byte[] current, byte[] next, bool passThru, System.Action<Target, byte[], byte[]> change)
        {
            try
            {
                change(target, current, next);
                WriteVerbose($"{action}: token {UntrustedText.Quote(target.Token.Label)} done.");
                if (passThru) PassThruToken(target);
            }
            catch (Pkcs11ModuleException ex)
            {
                WriteProvisioningError(ex, target.Token);
            }
        }

        /// <summary>Whether the target's URI holds a PIN: a pin-value or a pin-source.</summary>
        protected static bool UriHasPin(Target target) =>
            target.Uri != null && (Pkcs11UriText.FindPinValue(target.Uri, out _, out _) || target.ParsedUri?.PinSource != null);

        /// <summary>
        /// The bytes of a file the user names (at most 1 MiB, only a regular file: SafeFile); null with the error
        /// written
        /// (ReadFailed, or the unsafe-path reason) when it cannot be read.
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
        /// The user PIN for a write that logs in (<paramref name="login"/>): <paramref name="given"/>, the URI's, the
        /// PIN pad
        /// (null), or a prompt. False with the error written when there is none; <paramref name="pin"/> is null without
        /// a login.
        /// </summary>
        protected bool UserPinFor(Target target, bool login, System.Security.SecureString given, out Pkcs11Pin pin)
        {
            pin = null;
            return !login || PinFor(target.Token, given, target.Uri, target.ParsedUri, "user PIN", out pin, "give -Pin, -Credential or a URI with pin-source");
        }
    }
}
