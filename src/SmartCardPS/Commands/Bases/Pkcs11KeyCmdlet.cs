using System;
using System.Collections.Generic;
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
    /// The key cmdlets (New-Pkcs11KeyPair, Export-Pkcs11PublicKey, New-Pkcs11CertificateRequest, Test-Pkcs11Key): the
    /// PIN parameters, finding the token of a piped key or of a pkcs11: URI, and one Pkcs11KeySession per token and
    /// input (so one C_Login), with the core's failures mapped to error ids Verb+Noun+Reason.
    /// </summary>
    public abstract class Pkcs11KeyCmdlet : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">The user PIN, as a SecureString (Read-Host -AsSecureString). Without -Pin,
        /// -Credential or a pin-value or pin-source in the URI, the reader's PIN pad is used or the PIN is prompted
        /// for. A PIN is never written to any stream; a wrong one is reported once and never retried.</para>
        /// </summary>
        [Parameter(HelpMessage = "The user PIN as a SecureString.")]
        [ValidateNotNull]
        public SecureString Pin { get; set; }

        /// <summary>
        /// <para type="description">A credential whose password is the user PIN (the user name is not used), e.g. from
        /// Get-Credential or a SecretManagement vault.</para>
        /// </summary>
        [Parameter(HelpMessage = "A credential whose password is the user PIN.")]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        protected override void BeginProcessing() => Pkcs11.RefuseTwoPins(Pin, Credential);

        /// <summary>A token and the module it is in.</summary>
        protected struct TokenTarget
        {
            public Pkcs11Module Module;
            public Pkcs11Token Token;
            public string Uri;
            public Pkcs11Uri Parsed;
        }

        /// <summary>
        /// The token a piped object (from Get-Pkcs11Object or another key cmdlet) is on; null with TokenNotFound
        /// written when it is gone.
        /// </summary>
        protected TokenTarget? TokenOf(Pkcs11Object obj)
        {
            Pkcs11Module module = Pkcs11.ResolveModules(new[] { obj.Module }).FirstOrDefault();
            if (module == null) return null;
            var tokens = Pkcs11.TokensOf(module);
            Pkcs11Token token = tokens.FirstOrDefault(t => t.Uri == obj.TokenUri && t.SlotId == obj.SlotId) ?? tokens.FirstOrDefault(t => t.Uri == obj.TokenUri);
            if (token == null)
            {
                WriteError(NewError(new ItemNotFoundException($"The token {UntrustedText.Quote(obj.Token)} of {UntrustedText.Quote(obj.Label)} is no longer in module {UntrustedText.Quote(module.Name)}."),
                    "TokenNotFound", ErrorCategory.ObjectNotFound, obj));
                return null;
            }
            return new TokenTarget { Module = module, Token = token };
        }

        /// <summary>
        /// The tokens a pkcs11: URI names; none (with InvalidUri or TokenNotFound written) when it is not one or names
        /// none.
        /// </summary>
        protected List<TokenTarget> TokensOfUri(string uri) =>
            Pkcs11.TokensNamedBy(uri, out var parsed)
                .Select(p => new TokenTarget { Module = p.Key, Token = p.Value, Uri = uri, Parsed = parsed }).ToList();

        /// <summary>
        /// Runs <paramref name="work"/> in one session on the token (logged in when <paramref name="login"/>, with the
        /// PIN from -Pin, -Credential, the URI, the PIN pad or a prompt); a failure is one error for
        /// <paramref name="target"/>.
        /// </summary>
        protected void InSession(TokenTarget target, bool readWrite, bool login, object errorTarget, Action<Pkcs11KeySession> work)
        {
            Pkcs11Library library = Pkcs11.Open(target.Module);
            if (library == null) return;
            Pkcs11Pin pin = null;
            try
            {
                if (login && !Pkcs11.PinFor(target.Token, Pin ?? Credential?.Password, target.Uri, target.Parsed, "user PIN", out pin, "give -Pin, -Credential or a URI with pin-source")) return;
                using (var session = Pkcs11KeySession.Open(library, target.Token, readWrite, login, pin?.Bytes)) work(session);
            }
            catch (Pkcs11LoginException ex)
            {
                WriteError(NewError(ex, ex.Failure.ToString(), ErrorCategory.AuthenticationError, target.Token));
            }
            catch (Pkcs11KeyException ex)
            {
                WriteError(NewError(ex, ex.Failure.ToString(), CategoryOf(ex.Failure), errorTarget ?? target.Token));
            }
            catch (Pkcs11ModuleException ex)
            {
                WriteError(NewError(ex, "OperationFailed", CategoryOf(ex.Kind), errorTarget ?? target.Token));
            }
            finally
            {
                pin?.Dispose();
            }
        }

        /// <summary>
        /// The objects of the session's token that <paramref name="obj"/> (piped) or the URI's object, id and type
        /// name; <paramref name="classes"/> are tried in order and the first that finds any wins. None writes
        /// KeyNotFound.
        /// </summary>
        protected List<Pkcs11Object> FindKeys(Pkcs11KeySession session, Pkcs11Object obj, TokenTarget target, params Pkcs11ObjectClass[] classes) =>
            FindKeys(session, obj, target, true, classes);

        /// <summary>
        /// As FindKeys; without <paramref name="reportMissing"/> finding none writes nothing (the caller looks
        /// further).
        /// </summary>
        protected List<Pkcs11Object> FindKeys(Pkcs11KeySession session, Pkcs11Object obj, TokenTarget target, bool reportMissing, params Pkcs11ObjectClass[] classes)
        {
            List<Pkcs11Object> found = new List<Pkcs11Object>();
            if (obj != null)
            {
                found = session.Find(obj.Class, Hex.TryParse(obj.Id), obj.Label).Where(o => o.Uri == obj.Uri).ToList();
            }
            else
            {
                Pkcs11ObjectClass? type = Pkcs11UriText.ObjectClass(target.Parsed);
                foreach (Pkcs11ObjectClass cls in classes.Where(c => type == null || c == type))
                {
                    found = session.Find(cls, target.Parsed.Id, target.Parsed.Object);
                    if (found.Count > 0) break;
                }
            }
            if (found.Count == 0 && reportMissing)
            {
                string what = obj != null ? $"{UntrustedText.Quote(obj.Label)} ({obj.Uri})" : UntrustedText.Quote(Pkcs11UriText.Redact(target.Uri));
                WriteError(NewError(new ItemNotFoundException($"No {string.Join(" or ", classes.Select(Pkcs11UriText.TypeName))} key matching {what} is on token {UntrustedText.Quote(session.Token.Label)}. Run Get-Pkcs11Object -Login to list its keys and their URIs."),
                    "KeyNotFound", ErrorCategory.ObjectNotFound, (object)obj ?? Pkcs11UriText.Redact(target.Uri)));
            }
            return found;
        }

        protected static ErrorCategory CategoryOf(Pkcs11KeyFailure failure)
        {
            switch (failure)
            {
                case Pkcs11KeyFailure.MechanismNotSupported:
                case Pkcs11KeyFailure.CurveNotSupported:
                    return ErrorCategory.NotImplemented;
                case Pkcs11KeyFailure.KeySizeOutOfRange:
                    return ErrorCategory.InvalidArgument;
                case Pkcs11KeyFailure.TokenFull:
                    return ErrorCategory.QuotaExceeded;
                case Pkcs11KeyFailure.ReadOnlyToken:
                    return ErrorCategory.PermissionDenied;
                case Pkcs11KeyFailure.KeyNotFound:
                case Pkcs11KeyFailure.NoPublicKey:
                    return ErrorCategory.ObjectNotFound;
                case Pkcs11KeyFailure.AmbiguousKey:
                case Pkcs11KeyFailure.NotASigningKey:
                    return ErrorCategory.InvalidArgument;
                default:
                    return ErrorCategory.DeviceError;
            }
        }
    }
}
