using System.Linq;
using System.Security;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;
using Pkcs11Uri = Net.Pkcs11Interop.Common.Pkcs11Uri;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>The one token an input names, with its module and library, and the URI it came from (for pin-value
    /// and pin-source).</summary>
    internal sealed class Pkcs11WriteTarget
    {
        public Pkcs11Module Module { get; set; }
        public Pkcs11Library Library { get; set; }
        public Pkcs11Token Token { get; set; }
        public string Uri { get; set; }
        public Pkcs11Uri ParsedUri { get; set; }

        /// <summary>Whether the URI holds a PIN: a pin-value or a pin-source.</summary>
        public bool UriHasPin => Uri != null && (Pkcs11UriText.FindPinValue(Uri, out _, out _) || ParsedUri?.PinSource != null);

        /// <summary>
        /// Whether the reader's PIN pad asks for every PIN: the token has one (CKF_PROTECTED_AUTHENTICATION_PATH) and
        /// no PIN is given at all, neither as <paramref name="given"/> nor in the URI. A PIN given one way means the
        /// user types here, so the pad is not used for the others either.
        /// </summary>
        public bool UsesPinPad(params SecureString[] given) =>
            given.All(pin => pin == null) && !UriHasPin && Token.Flags.HasFlag(Pkcs11TokenFlags.ProtectedAuthenticationPath);
    }
}
