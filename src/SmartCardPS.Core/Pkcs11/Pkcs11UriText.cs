using System;
using System.Globalization;
using System.Linq;
using System.Text;
using Net.Pkcs11Interop.Common;
using SmartCardPS.Text;
using Pkcs11Uri = Net.Pkcs11Interop.Common.Pkcs11Uri;
// The CK_ structs are only data here; the 64-bit layout carries every value a token reports.
using LowLevel = Net.Pkcs11Interop.LowLevelAPI80;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// RFC 7512 pkcs11: URIs, written byte for byte as p11-kit writes them (and so as p11tool prints them):
    /// token attributes in p11-kit's order, empty ones left out, UTF-8 bytes outside A-Za-z0-9_.- as %XX. Parsing
    /// and matching are Pkcs11Interop's.
    /// </summary>
    public static class Pkcs11UriText
    {
        public const string Scheme = "pkcs11:";

        /// <summary>The URI of a token; values are as the token reports them, blank padding already trimmed.</summary>
        public static string ForToken(string label, string manufacturer, string model, string serialNumber)
        {
            var sb = new StringBuilder(Scheme);
            bool first = true;
            Append(sb, "model", model, ref first);
            Append(sb, "manufacturer", manufacturer, ref first);
            Append(sb, "serial", serialNumber, ref first);
            Append(sb, "token", label, ref first);
            return sb.ToString();
        }

        /// <summary>The URI of a slot: slot-description, slot-manufacturer and slot-id, in p11-kit's order.</summary>
        public static string ForSlot(string description, string manufacturer, ulong slotId)
        {
            var sb = new StringBuilder(Scheme);
            bool first = true;
            Append(sb, "slot-description", description, ref first);
            Append(sb, "slot-manufacturer", manufacturer, ref first);
            Append(sb, "slot-id", slotId.ToString(CultureInfo.InvariantCulture), ref first);
            return sb.ToString();
        }

        /// <summary>
        /// The URI of an object, as p11tool --list-all prints it: the token's URI, then id= (every byte as %XX),
        /// object= (the label's bytes, escaped as token values are) and type=, each left out when empty.
        /// </summary>
        public static string ForObject(string tokenUri, byte[] id, byte[] label, Pkcs11ObjectClass objectClass)
        {
            var sb = new StringBuilder(tokenUri ?? Scheme);
            bool first = sb.Length == Scheme.Length;
            if (id != null && id.Length > 0)
            {
                sb.Append(first ? "id=" : ";id=");
                foreach (byte b in id) sb.Append('%').Append(Hex.Byte(b));
                first = false;
            }
            if (label != null && label.Length > 0)
            {
                sb.Append(first ? "object=" : ";object=");
                Encode(sb, label);
                first = false;
            }
            string type = TypeName(objectClass);
            if (type != null) sb.Append(first ? "type=" : ";type=").Append(type);
            return sb.ToString();
        }

        /// <summary>The type= value of a class (RFC 7512 and p11-kit's names); null for classes it has none for.</summary>
        public static string TypeName(Pkcs11ObjectClass objectClass)
        {
            switch (objectClass)
            {
                case Pkcs11ObjectClass.Certificate: return "cert";
                case Pkcs11ObjectClass.PrivateKey: return "private";
                case Pkcs11ObjectClass.PublicKey: return "public";
                case Pkcs11ObjectClass.SecretKey: return "secret-key";
                case Pkcs11ObjectClass.Data: return "data";
                default: return null;
            }
        }

        private static void Append(StringBuilder sb, string name, string value, ref bool first)
        {
            value = value?.TrimEnd(' ');
            if (string.IsNullOrEmpty(value)) return;
            if (!first) sb.Append(';');
            first = false;
            sb.Append(name).Append('=');
            Encode(sb, value);
        }

        public static string Encode(string value)
        {
            var sb = new StringBuilder();
            Encode(sb, value);
            return sb.ToString();
        }

        private static void Encode(StringBuilder sb, string value) => Encode(sb, Encoding.UTF8.GetBytes(value));

        private static void Encode(StringBuilder sb, byte[] value)
        {
            foreach (byte b in value)
            {
                char c = (char)b;
                bool verbatim = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
                if (verbatim) sb.Append(c);
                else sb.Append('%').Append(Hex.Byte(b));
            }
        }

        /// <summary>
        /// A pkcs11: URI parsed by Pkcs11Interop (path and query attributes, percent-decoded; the scheme in any case, as
        /// RFC 3986 allows). Throws FormatException for text that is not a pkcs11: URI, and for a path attribute RFC 7512
        /// does not define: such a URI could match nothing, so saying why helps more than finding nothing. Unknown query
        /// attributes are ignored, as RFC 7512 lets a consumer do. Pkcs11Interop is given the URI with its pin-value
        /// redacted (<see cref="Redact"/>), so the parsed URI never holds the PIN and no message can show it: the PIN is
        /// read from the text itself, straight into bytes, by <see cref="Pkcs11Pin.FromUri"/>, which is also what
        /// checks its syntax here.
        /// </summary>
        public static Pkcs11Uri Parse(string uri)
        {
            string shown = Redact(uri);
            if (uri == null || !uri.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
                throw new FormatException($"{UntrustedText.Quote(shown)} is not a pkcs11: URI (RFC 7512), e.g. pkcs11:token=My%20Token.");
            Pkcs11Uri parsed;
            try
            {
                parsed = new Pkcs11Uri(Scheme + Escaped(shown.Substring(Scheme.Length)));
                Pkcs11Pin.FromUri(uri)?.Dispose();
            }
            // Pkcs11Interop 5.3 fails with IndexOutOfRangeException on a '%' with fewer than two characters after it.
            catch (Exception ex) when (ex is Pkcs11UriException || ex is IndexOutOfRangeException || ex is FormatException)
            {
                string reason = ex is IndexOutOfRangeException ? "a '%' is not followed by two hex digits" : UntrustedText.Quote(ex.Message.TrimEnd('.'));
                // Only our own message is kept: Pkcs11Interop's names attributes, never values, but it is not ours to vouch for.
                throw new FormatException($"{UntrustedText.Quote(shown)} is not a valid pkcs11: URI: {reason}.");
            }
            if (parsed.UnknownPathAttributes != null && parsed.UnknownPathAttributes.Count > 0)
            {
                throw new FormatException($"{UntrustedText.Quote(shown)} has the path attribute {string.Join(", ", parsed.UnknownPathAttributes.Keys.Select(k => UntrustedText.Quote(k)))}, which RFC 7512 does not define: "
                    + "use token, manufacturer, model, serial, slot-description, slot-manufacturer, slot-id, library-description, library-manufacturer, "
                    + "library-version, object, id or type.");
            }
            return parsed;
        }

        public const string PinValueKey = "pin-value";

        /// <summary>What stands for a pin-value's value wherever a URI is shown.</summary>
        public const string Redacted = "***";

        /// <summary>
        /// The text with the value of every pin-value replaced by ***, for every message, error target, verbose or debug
        /// line that shows a URI. Textual, so it works on text that is no URI at all. Pkcs11Interop splits the path
        /// (before the first '?') at ';' and the query at '&amp;' and matches names exactly, so a value runs from
        /// "pin-value=" to the next such delimiter; every "pin-value=" counts, not only those at an attribute's start,
        /// so malformed text is never under-redacted. The key is case-sensitive (RFC 7512) and never percent-decoded
        /// (pin%2Dvalue names no PIN); the value is replaced whole, however it is encoded.
        /// </summary>
        public static string Redact(string text)
        {
            if (text == null) return null;
            int found = text.IndexOf(PinValueKey + "=", StringComparison.Ordinal);
            if (found < 0) return text;
            int query = text.IndexOf('?');
            var sb = new StringBuilder(text.Length);
            int copied = 0;
            while (found >= 0)
            {
                int start = found + PinValueKey.Length + 1;
                bool inQuery = query >= 0 && found > query;
                int end = inQuery ? text.IndexOf('&', start) : text.IndexOfAny(new[] { ';', '?' }, start);
                if (end < 0) end = text.Length;
                sb.Append(text, copied, start - copied).Append(Redacted);
                copied = end;
                found = text.IndexOf(PinValueKey + "=", end, StringComparison.Ordinal);
            }
            return sb.Append(text, copied, text.Length - copied).ToString();
        }

        /// <summary>
        /// Where the pin-value Pkcs11Interop would read lies in <paramref name="uri"/>: the first query attribute named
        /// exactly pin-value (the query starts after the first '?' and its attributes are split at '&amp;').
        /// </summary>
        internal static bool FindPinValue(string uri, out int start, out int length)
        {
            start = length = 0;
            int query = uri?.IndexOf('?') ?? -1;
            if (query < 0) return false;
            for (int at = query + 1; at <= uri.Length;)
            {
                int end = uri.IndexOf('&', at);
                if (end < 0) end = uri.Length;
                if (end - at > PinValueKey.Length && string.CompareOrdinal(uri, at, PinValueKey + "=", 0, PinValueKey.Length + 1) == 0)
                {
                    start = at + PinValueKey.Length + 1;
                    length = end - start;
                    return true;
                }
                at = end + 1;
            }
            return false;
        }

        /// <summary>
        /// The URI with what people type unescaped (spaces, '/', non-ASCII letters, control characters) percent-encoded
        /// as UTF-8, as RFC 3987 maps an IRI to a URI: Pkcs11Interop rejects such characters and drops spaces, where a
        /// label typed as shown is what the user means. Delimiters and existing %XX escapes stay as they are.
        /// </summary>
        private static string Escaped(string rest)
        {
            var sb = new StringBuilder(rest.Length);
            int start = -1;
            for (int i = 0; i <= rest.Length; i++)
            {
                bool keep = i == rest.Length || KeptAsTyped(rest[i]);
                if (!keep)
                {
                    if (start < 0) start = i;
                    continue;
                }
                if (start >= 0) Encode(sb, Encoding.UTF8.GetBytes(rest.Substring(start, i - start)));
                start = -1;
                if (i < rest.Length) sb.Append(rest[i]);
            }
            return sb.ToString();
        }

        /// <summary>Whether <see cref="Parse"/> leaves a character as typed (delimiters, '%', ASCII letters and digits) rather than escaping it.</summary>
        internal static bool KeptAsTyped(char c) => c < 0x80 && (char.IsLetterOrDigit(c) || "-._~:[]@!$'()*+,=;?&%".IndexOf(c) >= 0);

        /// <summary>The type= value of an object class as Pkcs11Interop parsed it; null when the URI has none.</summary>
        public static Pkcs11ObjectClass? ObjectClass(Pkcs11Uri uri) => uri.Type == null ? (Pkcs11ObjectClass?)null : (Pkcs11ObjectClass)(ulong)uri.Type.Value;

        /// <summary>
        /// Whether a token (or empty slot) has every token, slot and library attribute the URI names, as Pkcs11Interop
        /// matches them, and the module it names.
        /// </summary>
        public static bool Matches(Pkcs11Uri uri, Pkcs11Token token)
        {
            if (uri.ModuleName != null && !string.Equals(uri.ModuleName, token.Module, StringComparison.Ordinal)) return false;
            if (uri.ModulePath != null && !string.Equals(uri.ModulePath, token.ModulePath, StringComparison.Ordinal)) return false;
            var tokenInfo = new LowLevel.CK_TOKEN_INFO
            {
                Label = Text(token.Label),
                ManufacturerId = Text(token.Manufacturer),
                Model = Text(token.Model),
                SerialNumber = Text(token.SerialNumber),
                HardwareVersion = Version(null),
                FirmwareVersion = Version(null),
                UtcTime = Text(null),
            };
            var slotInfo = new LowLevel.CK_SLOT_INFO
            {
                SlotDescription = Text(token.SlotDescription),
                ManufacturerId = Text(token.SlotManufacturer),
                HardwareVersion = Version(null),
                FirmwareVersion = Version(null),
            };
            var libraryInfo = new LowLevel.CK_INFO
            {
                ManufacturerId = Text(token.LibraryManufacturer),
                LibraryDescription = Text(token.LibraryDescription),
                LibraryVersion = Version(token.LibraryVersion),
                CryptokiVersion = Version(null),
            };
            return LowLevel.Pkcs11UriUtils.Matches(uri, tokenInfo) && LowLevel.Pkcs11UriUtils.Matches(uri, slotInfo, token.SlotId)
                && LowLevel.Pkcs11UriUtils.Matches(uri, libraryInfo);
        }

        private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value ?? string.Empty);

        /// <summary>A CK_VERSION from "major.minor" as the token object holds it; 0.0 when unknown.</summary>
        private static LowLevel.CK_VERSION Version(string value)
        {
            string[] parts = (value ?? string.Empty).Split('.');
            byte major = 0, minor = 0;
            bool known = parts.Length == 2 && byte.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out major)
                && byte.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out minor);
            return new LowLevel.CK_VERSION { Major = new[] { known ? major : (byte)0 }, Minor = new[] { known ? minor : (byte)0 } };
        }
    }
}
