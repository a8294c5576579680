using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using SmartCardPS.P11Kit;
using SmartCardPS.Parameters;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;
using Pkcs11Uri = Net.Pkcs11Interop.Common.Pkcs11Uri;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>
    /// What the cmdlets that change a token share (Pkcs11WriteCmdlet's and Pkcs11ObjectWriteCmdlet's), composed into
    /// both: exactly one token per input (a token, a label, or a pkcs11: URI), nothing loaded under -WhatIf (the
    /// confirmation is made from what the user gave), objects picked and confirmed one by one, and the provisioner's
    /// failures as errors with stable reasons.
    /// </summary>
    internal sealed class Pkcs11TokenWriter
    {
        private readonly SmartCardCmdlet cmdlet;
        private readonly Pkcs11Run pkcs11;

        internal Pkcs11TokenWriter(SmartCardCmdlet cmdlet, Pkcs11Run pkcs11)
        {
            this.cmdlet = cmdlet;
            this.pkcs11 = pkcs11;
        }

        /// <summary>
        /// The token as the user gave it, for -WhatIf and confirmations: its label and URI, or the URI (its pin-value
        /// redacted).
        /// </summary>
        internal static string Describe(Pkcs11Token token, string uri)
        {
            if (uri != null) return UntrustedText.Quote(Pkcs11UriText.Redact(uri));
            if (token.LabelOnly) return $"token {UntrustedText.Quote(token.Label)}";
            string name = token.TokenInitialized ? UntrustedText.Quote(token.Label) : $"(uninitialised, slot {token.SlotId})";
            return $"token {name} ({UntrustedText.Quote(token.Uri)})";
        }

        /// <summary>
        /// The one token <paramref name="token"/> or <paramref name="uri"/> names, its module loaded; null with the
        /// error written when it names none (TokenNotFound) or several (AmbiguousToken). An uninitialised token counts
        /// when it is piped from Get-Pkcs11Token -IncludeEmptySlots or named by a slot-id URI.
        /// </summary>
        internal Pkcs11WriteTarget Resolve(Pkcs11Token token, string uri)
        {
            var found = new List<Pkcs11WriteTarget>();
            Pkcs11Uri parsed = null;
            if (uri != null)
            {
                parsed = pkcs11.ParseUri(uri);
                if (parsed == null) return null;
                found.AddRange(pkcs11.TokensByUri(parsed).Select(pair => new Pkcs11WriteTarget { Module = pair.Key, Token = pair.Value, Uri = uri, ParsedUri = parsed }));
            }
            else if (token.LabelOnly)
            {
                var all = pkcs11.AllTokens().ToList();
                var filter = new NameFilter(new[] { token.Label }).Among(all.Select(pair => pair.Value.Label));
                found.AddRange(all.Where(pair => filter.IsMatch(pair.Value.Label)).Select(pair => new Pkcs11WriteTarget { Module = pair.Key, Token = pair.Value }));
            }
            else
            {
                Pkcs11Token current = pkcs11.CurrentToken(token, out Pkcs11Module module);
                if (current == null) return null;
                found.Add(new Pkcs11WriteTarget { Module = module, Token = current });
            }
            return Single(found, Describe(token, uri), uri != null ? Pkcs11UriText.Redact(uri) : (object)token);
        }

        /// <summary>
        /// The token in slot <paramref name="slotId"/> of <paramref name="module"/> (a registered name or a library
        /// path, as Get-Pkcs11Token -Module takes it), initialised or not; null with the error written when the slot
        /// holds no token (TokenNotFound) or the module names several (AmbiguousToken).
        /// </summary>
        internal Pkcs11WriteTarget ResolveSlot(string module, ulong slotId)
        {
            var found = new List<Pkcs11WriteTarget>();
            foreach (Pkcs11Module each in pkcs11.ResolveModules(new[] { module }))
            {
                found.AddRange(pkcs11.TokensOf(each, includeEmptySlots: true).Where(t => t.SlotId == slotId && t.TokenPresent)
                    .Select(t => new Pkcs11WriteTarget { Module = each, Token = t }));
            }
            return Single(found, DescribeSlot(module, slotId), module);
        }

        /// <summary>A slot as the user gave it, for -WhatIf and errors.</summary>
        internal static string DescribeSlot(string module, ulong slotId) => $"slot {slotId} of module {UntrustedText.Quote(module)}";

        /// <summary>
        /// The one target found, its module loaded; null with TokenNotFound or AmbiguousToken written.
        /// </summary>
        private Pkcs11WriteTarget Single(List<Pkcs11WriteTarget> found, string shown, object given)
        {
            if (found.Count == 0)
            {
                cmdlet.WriteError(cmdlet.NewError(new ItemNotFoundException($"No PKCS#11 token matches {shown}. Run Get-Pkcs11Token (-IncludeEmptySlots for uninitialised ones) to list the tokens and their URIs."),
                    "TokenNotFound", ErrorCategory.ObjectNotFound, given));
                return null;
            }
            if (found.Count > 1)
            {
                cmdlet.WriteError(cmdlet.NewError(new ArgumentException($"{shown} names {found.Count} tokens: {string.Join(", ", found.Select(t => UntrustedText.Quote(t.Token.Uri)))}. Give the Uri of one; nothing was changed."),
                    "AmbiguousToken", ErrorCategory.InvalidArgument, given));
                return null;
            }
            Pkcs11WriteTarget target = found[0];
            target.Library = pkcs11.Open(target.Module);
            return target.Library == null ? null : target;
        }

        /// <summary>
        /// A provisioning failure as one error: a refused PIN (PinIncorrect, PinLocked, ...; never retried), a
        /// write-protected token (WriteProtected), a function the module lacks (NotSupported), a token another login
        /// holds (TokenBusy), else WriteFailed.
        /// </summary>
        internal void WriteProvisioningError(Pkcs11ModuleException ex, object target)
        {
            if (ex is Pkcs11LoginException login)
            {
                cmdlet.WriteError(cmdlet.NewError(login, login.Failure.ToString(), ErrorCategory.AuthenticationError, target));
                return;
            }
            switch (ex.ReturnValueName)
            {
                case "CKR_TOKEN_WRITE_PROTECTED":
                    cmdlet.WriteError(cmdlet.NewError(ex, "WriteProtected", ErrorCategory.PermissionDenied, target));
                    return;
                case "CKR_FUNCTION_NOT_SUPPORTED":
                    cmdlet.WriteError(cmdlet.NewError(ex, "NotSupported", ErrorCategory.NotImplemented, target));
                    return;
                case "CKR_SESSION_EXISTS":
                case "CKR_SESSION_READ_ONLY_EXISTS":
                case "CKR_USER_ALREADY_LOGGED_IN":
                case "CKR_USER_ANOTHER_ALREADY_LOGGED_IN":
                    cmdlet.WriteError(cmdlet.NewError(ex, "TokenBusy", ErrorCategory.ResourceBusy, target));
                    return;
                default:
                    cmdlet.WriteError(cmdlet.NewError(ex, "WriteFailed", SmartCardCmdlet.CategoryOf(ex.Kind), target));
                    return;
            }
        }

        /// <summary>
        /// Runs <paramref name="apply"/> (a Pkcs11Provisioner call that picks from what matches) on the objects
        /// <paramref name="query"/> selects on the token that <paramref name="token"/> or <paramref name="uri"/> names:
        /// logged in as the user when the token requires it or a PIN is given, with one C_Login. The pick confirms each
        /// object (ShouldProcess on its Uri); none matching is ObjectNotFound, several without <paramref name="force"/>
        /// is AmbiguousObject listing them, and nothing is changed then. Under -WhatIf nothing is loaded:
        /// <paramref name="shown"/> describes the selection.
        /// </summary>
        internal void ApplyToObjects(Pkcs11Token token, string uri, Pkcs11ObjectQuery query, string shown, string action, bool force,
            SecureString pin,
            Func<Pkcs11WriteTarget, Pkcs11ObjectQuery, Func<IReadOnlyList<Pkcs11Object>, IEnumerable<Pkcs11Object>>, List<Pkcs11Object>> apply)
        {
            if (cmdlet.WhatIfOnly)
            {
                cmdlet.ShouldProcess(shown, action);
                return;
            }
            Pkcs11WriteTarget target = Resolve(token, uri);
            if (target == null) return;
            query.Login = pin != null || target.Token.Flags.HasFlag(Pkcs11TokenFlags.LoginRequired) || target.UriHasPin;
            if (!UserPinFor(target, query.Login, pin, out Pkcs11Pin bytes)) return;
            using (bytes)
            {
                query.Pin = bytes?.Bytes;
                try
                {
                    foreach (Pkcs11Object done in apply(target, query, all => Pick(all, shown, action, force)))
                        cmdlet.WriteVerbose($"{action}: {done.Uri}");
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

        private IEnumerable<Pkcs11Object> Pick(IReadOnlyList<Pkcs11Object> all, string shown, string action, bool force)
        {
            if (all.Count == 0)
            {
                cmdlet.WriteError(cmdlet.NewError(new ItemNotFoundException($"No object matches {shown}. Run Get-Pkcs11Object (-Login for private objects) to list them and their URIs."),
                    "ObjectNotFound", ErrorCategory.ObjectNotFound, shown));
                return Array.Empty<Pkcs11Object>();
            }
            if (all.Count > 1 && !force)
            {
                cmdlet.WriteError(cmdlet.NewError(new ArgumentException($"{shown} matches {all.Count} objects: {string.Join(", ", all.Select(o => o.Uri))}. Give -Force to act on all of them, or a URI that names one; nothing was changed."),
                    "AmbiguousObject", ErrorCategory.InvalidArgument, shown));
                return Array.Empty<Pkcs11Object>();
            }
            return all.Where(o => cmdlet.ShouldProcess(o.Uri, action)).ToList();
        }

        /// <summary>
        /// The exact search for one listed object: its class, label and id (data objects have no CKA_ID).
        /// </summary>
        internal static Pkcs11ObjectQuery QueryFor(Pkcs11Object obj) => new Pkcs11ObjectQuery
        {
            Class = obj.Class,
            Label = obj.Label,
            Id = obj.Class == Pkcs11ObjectClass.Data && string.IsNullOrEmpty(obj.Id) ? null : Hex.TryParse(obj.Id ?? string.Empty) ?? new byte[0],
        };

        /// <summary>
        /// The user PIN for a write that logs in (<paramref name="login"/>): <paramref name="given"/>, the URI's, the
        /// PIN pad (null), or a prompt. False with the error written when there is none; <paramref name="pin"/> is null
        /// without a login.
        /// </summary>
        internal bool UserPinFor(Pkcs11WriteTarget target, bool login, SecureString given, out Pkcs11Pin pin)
        {
            pin = null;
            return !login || pkcs11.PinFor(target.Token, given, target.Uri, target.ParsedUri, "user PIN", out pin, "give -Pin, -Credential or a URI with pin-source");
        }
    }
}
