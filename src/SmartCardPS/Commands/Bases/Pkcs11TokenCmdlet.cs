using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;
using Pkcs11Uri = Net.Pkcs11Interop.Common.Pkcs11Uri;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>
    /// What the cmdlets that work on tokens share: the tokens of a module (listed once per run), a piped token
    /// found again in its module, and the tokens a pkcs11: URI names.
    /// </summary>
    public abstract class Pkcs11TokenCmdlet : Pkcs11Cmdlet
    {
        private readonly Dictionary<string, List<Pkcs11Token>> tokensByModule = new Dictionary<string, List<Pkcs11Token>>(StringComparer.Ordinal);

        /// <summary>Every token of <paramref name="modules"/> (every enabled registered module when null), with its
        /// module.</summary>
        protected IEnumerable<KeyValuePair<Pkcs11Module, Pkcs11Token>> AllTokens(IEnumerable<Pkcs11Module> modules = null)
        {
            var list = (modules ?? Registry.EnabledModules).ToList();
            return TokensOfEach(list);
        }

        private IEnumerable<KeyValuePair<Pkcs11Module, Pkcs11Token>> TokensOfEach(List<Pkcs11Module> modules)
        {
            for (int i = 0; i < modules.Count; i++)
            {
                Pkcs11Module module = modules[i];
                AtModule(module, i + 1, modules.Count);
                foreach (Pkcs11Token token in TokensOf(module)) yield return new KeyValuePair<Pkcs11Module, Pkcs11Token>(module, token);
            }
        }

        /// <summary>
        /// A token from Get-Pkcs11Token as its module reports it now; null (with TokenNotFound written) when it is
        /// gone.
        /// Slot ids can change when readers come and go, so the slot must still hold the same token.
        /// </summary>
        protected Pkcs11Token CurrentToken(Pkcs11Token token, out Pkcs11Module module)
        {
            module = null;
            if (!token.TokenPresent) return null;
            module = ResolveModules(new[] { token.ModulePath ?? token.Module }).FirstOrDefault();
            if (module == null) return null;
            // Other slots' failures are not this token's: they are reported when listing everything, not here.
            var current = TokensOf(module, reportSlotErrors: false, includeEmptySlots: !token.TokenInitialized);
            Pkcs11Token match = current.FirstOrDefault(t => t.SlotId == token.SlotId && t.Uri == token.Uri)
                ?? current.FirstOrDefault(t => t.Uri == token.Uri);
            if (match == null)
            {
                WriteError(NewError(
                    new ItemNotFoundException($"The token {UntrustedText.Quote(token.Label)} ({UntrustedText.Quote(token.Uri)}) is no longer in module {UntrustedText.Quote(module.Name)}."),
                    "TokenNotFound", ErrorCategory.ObjectNotFound, token));
            }
            return match;
        }

        /// <summary>A parsed pkcs11: URI; null (with InvalidUri written) when it is not one.</summary>
        protected Pkcs11Uri ParseUri(string uri)
        {
            try
            {
                return Pkcs11UriText.Parse(uri);
            }
            catch (FormatException ex)
            {
                // The message already shows the URI redacted (Pkcs11UriText.Parse); the target must too.
                WriteError(NewError(ex, "InvalidUri", ErrorCategory.InvalidArgument, Pkcs11UriText.Redact(uri)));
                return null;
            }
        }

        /// <summary>
        /// The tokens a URI names, with their modules; module-name and module-path select the library. A slot-id may
        /// name an uninitialised token (Get-Pkcs11Token -IncludeEmptySlots gives those such a URI), so then those count
        /// too.
        /// </summary>
        protected List<KeyValuePair<Pkcs11Module, Pkcs11Token>> TokensByUri(Pkcs11Uri uri)
        {
            bool bySlot = uri.SlotId != null;
            var found = new List<KeyValuePair<Pkcs11Module, Pkcs11Token>>();
            var modules = ResolveModulesForUri(uri.ModulePath, uri.ModuleName);
            for (int i = 0; i < modules.Count; i++)
            {
                Pkcs11Module module = modules[i];
                AtModule(module, i + 1, modules.Count);
                foreach (Pkcs11Token token in TokensOf(module, includeEmptySlots: bySlot).Where(t => t.TokenPresent).Where(t => Pkcs11UriText.Matches(uri, t)))
                    found.Add(new KeyValuePair<Pkcs11Module, Pkcs11Token>(module, token));
            }
            return found;
        }

        /// <summary>The module's tokens, listed once per run; a failing slot is a SlotFailed error (when
        /// <paramref name="reportSlotErrors"/>) and the others still list.</summary>
        protected List<Pkcs11Token> TokensOf(Pkcs11Module module, bool reportSlotErrors = true, bool includeEmptySlots = false)
        {
            string key = (includeEmptySlots ? "*" : "") + (module.Path ?? module.Name);
            if (tokensByModule.TryGetValue(key, out var tokens)) return tokens;
            tokens = new List<Pkcs11Token>();
            Pkcs11Library library = Open(module);
            if (library != null)
            {
                try
                {
                    tokens = library.GetTokens(includeEmptySlots, reportSlotErrors ? WriteSlotError : (Action<Pkcs11ModuleException>)(_ => { }), SlotProbing(module));
                }
                catch (Pkcs11ModuleException ex)
                {
                    WriteModuleError(ex, module);
                }
            }
            tokensByModule[key] = tokens;
            return tokens;
        }

        /// <summary>The error reason of a PIN the token refused: PinIncorrect, PinLocked, PinExpired, PinEntryCancelled
        /// or PinInvalid.</summary>
        protected static string LoginReason(Pkcs11LoginException ex)
        {
            switch (ex.ReturnValueName)
            {
                case "CKR_PIN_INCORRECT": return "PinIncorrect";
                case "CKR_PIN_LOCKED": return "PinLocked";
                case "CKR_PIN_EXPIRED": return "PinExpired";
                case "CKR_FUNCTION_CANCELED": return "PinEntryCancelled";
                default: return "PinInvalid";
            }
        }

        /// <summary>
        /// A PIN in <see cref="Pkcs11PinSource"/>'s precedence (-Pin or -Credential, the URI's pin-value, its
        /// pin-source, the reader's PIN pad when <paramref name="pinPad"/> allows it, one prompt). False, with the
        /// error written, when there is none; <paramref name="howToGive"/> ends that error's message. The caller
        /// disposes <paramref name="pin"/>, which zeroes it; it is null for the PIN pad.
        /// </summary>
        protected bool PinFor(Pkcs11Token token, SecureString given, string uri, Pkcs11Uri parsed, string what,
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
                WriteError(NewError(ex, "PinSourceUnreadable", ErrorCategory.ReadError, parsed?.PinSource));
                return false;
            }
            if (origin == Pkcs11PinOrigin.PinPad) Host.UI.WriteLine($"Enter the {what} for token {UntrustedText.Quote(token.Label)} on the reader's PIN pad.");
            if (origin != Pkcs11PinOrigin.None) return true;
            WriteError(NewError(new InvalidOperationException(
                $"Token {UntrustedText.Quote(token.Label)} needs its {what}: {howToGive} (this session cannot prompt).", cannotPrompt),
                "PinRequired", ErrorCategory.InvalidOperation, token));
            return false;
        }

        /// <summary>One prompt for the PIN; null, with the reason in <paramref name="failure"/>, when none was typed or
        /// the host cannot prompt (a -NonInteractive session, a job, remoting without a host UI).</summary>
        private SecureString PromptPin(Pkcs11Token token, string what, out Exception failure)
        {
            failure = null;
            try
            {
                var field = new System.Management.Automation.Host.FieldDescription("PIN");
                field.SetParameterType(typeof(SecureString));
                var answers = Host.UI.Prompt($"Token {UntrustedText.Quote(token.Label)}", $"Enter the {what}.",
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
