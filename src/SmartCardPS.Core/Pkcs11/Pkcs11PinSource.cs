using System;
using System.IO;
using System.Security;
using SmartCardPS.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// One precedence for every PIN a command needs, as p11tool and pkcs11-tool users expect it: the PIN given
    /// (-Pin, -Credential), else the URI's pin-value, else its pin-source file, else the reader's PIN pad when the
    /// token has one and the call may use it, else one prompt. The PIN never passes through a managed string.
    /// </summary>
    public static class Pkcs11PinSource
    {
        /// <summary>
        /// Finds the PIN for <paramref name="token"/>. <paramref name="uri"/> is the URI's text (the parsed form holds
        /// only *** for a pin-value); <paramref name="pinSource"/> is its pin-source, if any. <paramref name="prompt"/>
        /// asks once and returns null when nothing was typed or the session cannot ask; it is not called when the PIN
        /// comes from elsewhere. <paramref name="pin"/> is null for <see cref="Pkcs11PinOrigin.PinPad"/> and
        /// <see cref="Pkcs11PinOrigin.None"/>; the caller disposes it, which zeroes it.
        /// </summary>
        /// <exception cref="IOException">The pin-source file cannot be read; the message says which and why.</exception>
        public static Pkcs11PinOrigin Resolve(Pkcs11Token token, SecureString given, string uri, string pinSource, bool pinPadAllowed,
            Func<SecureString> prompt, out Pkcs11Pin pin)
        {
            if (token == null) throw new ArgumentNullException(nameof(token));
            pin = null;
            if (given != null)
            {
                pin = Pkcs11Pin.FromSecureString(given);
                return Pkcs11PinOrigin.Given;
            }
            pin = uri == null ? null : Pkcs11Pin.FromUri(uri);
            if (pin != null) return Pkcs11PinOrigin.UriPinValue;
            if (pinSource != null)
            {
                try
                {
                    pin = Pkcs11Pin.FromSource(pinSource);
                    return Pkcs11PinOrigin.UriPinSource;
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw new IOException($"The pin-source {UntrustedText.Quote(pinSource)} cannot be read: {UntrustedText.Escape(ex.Message)}", ex);
                }
            }
            if (pinPadAllowed && token.Flags.HasFlag(Pkcs11TokenFlags.ProtectedAuthenticationPath)) return Pkcs11PinOrigin.PinPad;
            SecureString typed = prompt?.Invoke();
            if (typed == null) return Pkcs11PinOrigin.None;
            using (typed) pin = Pkcs11Pin.FromSecureString(typed);
            return Pkcs11PinOrigin.Prompt;
        }
    }
}
