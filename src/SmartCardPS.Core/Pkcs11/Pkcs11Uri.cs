using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// RFC 7512 pkcs11: URIs, written byte for byte as p11-kit writes them (and so as p11tool prints them):
    /// token attributes in p11-kit's order, empty ones left out, UTF-8 bytes outside A-Za-z0-9_.- as %XX.
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
            const string digits = "0123456789ABCDEF";
            var sb = new StringBuilder(tokenUri ?? Scheme);
            bool first = sb.Length == Scheme.Length;
            if (id != null && id.Length > 0)
            {
                sb.Append(first ? "id=" : ";id=");
                foreach (byte b in id) sb.Append('%').Append(digits[b >> 4]).Append(digits[b & 0xF]);
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
            const string digits = "0123456789ABCDEF";
            foreach (byte b in value)
            {
                char c = (char)b;
                bool verbatim = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
                if (verbatim) sb.Append(c);
                else sb.Append('%').Append(digits[b >> 4]).Append(digits[b & 0xF]);
            }
        }

        /// <summary>
        /// The attributes of a pkcs11: URI, path and query alike, percent-decoded (as UTF-8). Throws
        /// FormatException for text that is not a pkcs11: URI.
        /// </summary>
        public static IReadOnlyDictionary<string, string> Parse(string uri)
        {
            if (uri == null || !uri.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
                throw new FormatException($"{UntrustedText.Quote(uri)} is not a pkcs11: URI (RFC 7512), e.g. pkcs11:token=My%20Token.");
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            string rest = uri.Substring(Scheme.Length);
            int query = rest.IndexOf('?');
            AddPairs(attributes, query < 0 ? rest : rest.Substring(0, query), ';', uri);
            if (query >= 0) AddPairs(attributes, rest.Substring(query + 1), '&', uri);
            return attributes;
        }

        /// <summary>
        /// The raw bytes of one path attribute (id= holds binary data that is not text); null when the URI has none.
        /// Throws FormatException like <see cref="Parse"/>.
        /// </summary>
        public static byte[] AttributeBytes(string uri, string name)
        {
            Parse(uri);
            string rest = uri.Substring(Scheme.Length);
            int query = rest.IndexOf('?');
            if (query >= 0) rest = rest.Substring(0, query);
            foreach (string pair in rest.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                if (string.Equals(pair.Substring(0, eq), name, StringComparison.OrdinalIgnoreCase)) return DecodeBytes(pair.Substring(eq + 1), uri);
            }
            return null;
        }

        private static void AddPairs(Dictionary<string, string> attributes, string part, char separator, string uri)
        {
            foreach (string pair in part.Split(new[] { separator }, StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                if (eq <= 0) throw new FormatException($"{UntrustedText.Quote(pair)} in {UntrustedText.Quote(uri)} is not an attribute=value pair.");
                attributes[pair.Substring(0, eq).ToLowerInvariant()] = Decode(pair.Substring(eq + 1), uri);
            }
        }

        private static string Decode(string value, string uri) => Encoding.UTF8.GetString(DecodeBytes(value, uri));

        private static byte[] DecodeBytes(string value, string uri)
        {
            var bytes = new List<byte>(value.Length);
            for (int i = 0; i < value.Length; i++)
            {
                if (value[i] == '%')
                {
                    if (i + 2 >= value.Length || !byte.TryParse(value.Substring(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b))
                        throw new FormatException($"{UntrustedText.Quote(uri)} has a '%' that is not followed by two hex digits.");
                    bytes.Add(b);
                    i += 2;
                }
                else
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
                }
            }
            return bytes.ToArray();
        }

        /// <summary>Whether a token (or empty slot) has every token, slot and library attribute the URI names.</summary>
        public static bool Matches(IReadOnlyDictionary<string, string> attributes, Pkcs11Token token)
        {
            foreach (var kv in attributes)
            {
                string actual;
                switch (kv.Key)
                {
                    case "token": actual = token.Label; break;
                    case "manufacturer": actual = token.Manufacturer; break;
                    case "model": actual = token.Model; break;
                    case "serial": actual = token.SerialNumber; break;
                    case "slot-description": actual = token.SlotDescription; break;
                    case "slot-manufacturer": actual = token.SlotManufacturer; break;
                    case "slot-id": actual = token.SlotId.ToString(CultureInfo.InvariantCulture); break;
                    case "library-description": actual = token.LibraryDescription; break;
                    case "library-manufacturer": actual = token.LibraryManufacturer; break;
                    case "module-name": actual = token.Module; break;
                    case "module-path": actual = token.ModulePath; break;
                    default: continue;
                }
                if (!string.Equals(actual ?? string.Empty, kv.Value, StringComparison.Ordinal)) return false;
            }
            return true;
        }
    }
}
