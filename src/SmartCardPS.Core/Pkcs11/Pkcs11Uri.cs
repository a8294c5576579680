using System;
using System.Globalization;
using System.Linq;
using System.Text;
using Net.Pkcs11Interop.Common;
using InteropUri = Net.Pkcs11Interop.Common.Pkcs11Uri;
// The CK_ structs are only data here; the 64-bit layout carries every value a token reports.
using LowLevel = Net.Pkcs11Interop.LowLevelAPI80;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// RFC 7512 pkcs11: URIs, written byte for byte as p11-kit writes them (and so as p11tool prints them):
    /// token attributes in p11-kit's order, empty ones left out, UTF-8 bytes outside A-Za-z0-9_.- as %XX. Parsing
    /// and matching are Pkcs11Interop's.
    /// </summary>
    public static class Pkcs11Uri
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
        /// attributes are ignored, as RFC 7512 lets a consumer do.
        /// </summary>
        public static InteropUri Parse(string uri)
        {
            if (uri == null || !uri.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
                throw new FormatException($"{UntrustedText.Quote(uri)} is not a pkcs11: URI (RFC 7512), e.g. pkcs11:token=My%20Token.");
            InteropUri parsed;
            try
            {
                parsed = new InteropUri(Scheme + Escaped(uri.Substring(Scheme.Length)));
            }
            // Pkcs11Interop 5.3 fails with IndexOutOfRangeException on a '%' with fewer than two characters after it.
            catch (Exception ex) when (ex is Pkcs11UriException || ex is IndexOutOfRangeException)
            {
                string reason = ex is Pkcs11UriException ? UntrustedText.Quote(ex.Message.TrimEnd('.')) : "a '%' is not followed by two hex digits";
                throw new FormatException($"{UntrustedText.Quote(uri)} is not a valid pkcs11: URI: {reason}.", ex);
            }
            if (parsed.UnknownPathAttributes != null && parsed.UnknownPathAttributes.Count > 0)
            {
                throw new FormatException($"{UntrustedText.Quote(uri)} has the path attribute {string.Join(", ", parsed.UnknownPathAttributes.Keys.Select(k => UntrustedText.Quote(k)))}, which RFC 7512 does not define: "
                    + "use token, manufacturer, model, serial, slot-description, slot-manufacturer, slot-id, library-description, library-manufacturer, "
                    + "library-version, object, id or type.");
            }
            return parsed;
        }

        /// <summary>
        /// The URI with what people type unescaped (spaces, '/', non-ASCII letters, control characters) percent-encoded
        /// as UTF-8, as RFC 3987 maps an IRI to a URI: Pkcs11Interop rejects such characters and drops spaces, where a
        /// label typed as shown is what the user means. Delimiters and existing %XX escapes stay as they are.
        /// </summary>
        private static string Escaped(string rest)
        {
            const string verbatim = "-._~:[]@!$'()*+,=;?&%";
            var sb = new StringBuilder(rest.Length);
            int start = -1;
            for (int i = 0; i <= rest.Length; i++)
            {
                bool keep = i == rest.Length || (rest[i] < 0x80 && (char.IsLetterOrDigit(rest[i]) || verbatim.IndexOf(rest[i]) >= 0));
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

        /// <summary>The type= value of an object class as Pkcs11Interop parsed it; null when the URI has none.</summary>
        public static Pkcs11ObjectClass? ObjectClass(InteropUri uri) => uri.Type == null ? (Pkcs11ObjectClass?)null : (Pkcs11ObjectClass)(ulong)uri.Type.Value;

        /// <summary>
        /// Whether a token (or empty slot) has every token, slot and library attribute the URI names, as Pkcs11Interop
        /// matches them, and the module it names.
        /// </summary>
        public static bool Matches(InteropUri uri, Pkcs11Token token)
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
