using System;
using System.Collections.Generic;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// Lists the objects of one token: a read-only session, the user login when asked for, one C_FindObjects
    /// search, two C_GetAttributeValue calls per object (what every object has, then what its class has), then logout and close
    /// before returning; each is one call under the library's call lock (Pkcs11Library.Call), as a module that refuses OS
    /// locking must be entered by one thread at a time. Secret values are never read: CKA_VALUE is asked of X.509 certificates only.
    /// </summary>
    public static class Pkcs11ObjectReader
    {
        // Every attribute asked for costs the module work (SoftHSM checks its object file for each one), so the
        // first call asks what every object has, and the second only what its class can have.
        private static readonly List<CKA> Common = new List<CKA>
        {
            CKA.CKA_CLASS, CKA.CKA_LABEL, CKA.CKA_ID, CKA.CKA_TOKEN, CKA.CKA_PRIVATE, CKA.CKA_MODIFIABLE, CKA.CKA_KEY_TYPE, CKA.CKA_CERTIFICATE_TYPE,
        };

        private static readonly CKA[] PrivateKeyAttributes =
        {
            CKA.CKA_SENSITIVE, CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_LOCAL, CKA.CKA_DECRYPT,
            CKA.CKA_SIGN, CKA.CKA_SIGN_RECOVER, CKA.CKA_UNWRAP, CKA.CKA_DERIVE, CKA.CKA_ALWAYS_AUTHENTICATE,
        };

        private static readonly CKA[] PublicKeyAttributes =
        {
            CKA.CKA_LOCAL, CKA.CKA_ENCRYPT, CKA.CKA_VERIFY, CKA.CKA_VERIFY_RECOVER, CKA.CKA_WRAP, CKA.CKA_DERIVE, CKA.CKA_TRUSTED,
        };

        private static readonly CKA[] SecretKeyAttributes =
        {
            CKA.CKA_SENSITIVE, CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_LOCAL, CKA.CKA_ENCRYPT,
            CKA.CKA_DECRYPT, CKA.CKA_SIGN, CKA.CKA_VERIFY, CKA.CKA_WRAP, CKA.CKA_UNWRAP, CKA.CKA_DERIVE, CKA.CKA_TRUSTED, CKA.CKA_VALUE_LEN,
        };

        /// <summary>What to ask for after <see cref="Common"/>; CKA_VALUE only of X.509 certificates, never of keys.</summary>
        private static List<CKA> ClassAttributes(Pkcs11ObjectClass cls, ulong? keyType, ulong? certificateType)
        {
            var list = new List<CKA>();
            switch (cls)
            {
                case Pkcs11ObjectClass.PrivateKey: list.AddRange(PrivateKeyAttributes); break;
                case Pkcs11ObjectClass.PublicKey: list.AddRange(PublicKeyAttributes); break;
                case Pkcs11ObjectClass.SecretKey: list.AddRange(SecretKeyAttributes); break;
                case Pkcs11ObjectClass.Certificate:
                    list.Add(CKA.CKA_TRUSTED);
                    list.Add(CKA.CKA_CERTIFICATE_CATEGORY);
                    if (certificateType == (ulong)CKC.CKC_X_509) list.Add(CKA.CKA_VALUE);
                    break;
            }
            if (cls == Pkcs11ObjectClass.PrivateKey || cls == Pkcs11ObjectClass.PublicKey)
            {
                if (keyType == (ulong)CKK.CKK_RSA) list.Add(CKA.CKA_MODULUS);
                else if (keyType.HasValue && keyType != (ulong)CKK.CKK_DSA && keyType != (ulong)CKK.CKK_DH) list.Add(CKA.CKA_EC_PARAMS);
            }
            return list;
        }

        private static readonly KeyValuePair<CKA, Pkcs11ObjectFlags>[] BooleanFlags =
        {
            Flag(CKA.CKA_TOKEN, Pkcs11ObjectFlags.Token), Flag(CKA.CKA_PRIVATE, Pkcs11ObjectFlags.Private),
            Flag(CKA.CKA_MODIFIABLE, Pkcs11ObjectFlags.Modifiable), Flag(CKA.CKA_SENSITIVE, Pkcs11ObjectFlags.Sensitive),
            Flag(CKA.CKA_ALWAYS_SENSITIVE, Pkcs11ObjectFlags.AlwaysSensitive), Flag(CKA.CKA_EXTRACTABLE, Pkcs11ObjectFlags.Extractable),
            Flag(CKA.CKA_NEVER_EXTRACTABLE, Pkcs11ObjectFlags.NeverExtractable), Flag(CKA.CKA_LOCAL, Pkcs11ObjectFlags.Local),
            Flag(CKA.CKA_ENCRYPT, Pkcs11ObjectFlags.Encrypt), Flag(CKA.CKA_DECRYPT, Pkcs11ObjectFlags.Decrypt),
            Flag(CKA.CKA_SIGN, Pkcs11ObjectFlags.Sign), Flag(CKA.CKA_SIGN_RECOVER, Pkcs11ObjectFlags.SignRecover),
            Flag(CKA.CKA_VERIFY, Pkcs11ObjectFlags.Verify), Flag(CKA.CKA_VERIFY_RECOVER, Pkcs11ObjectFlags.VerifyRecover),
            Flag(CKA.CKA_WRAP, Pkcs11ObjectFlags.Wrap), Flag(CKA.CKA_UNWRAP, Pkcs11ObjectFlags.Unwrap),
            Flag(CKA.CKA_DERIVE, Pkcs11ObjectFlags.Derive), Flag(CKA.CKA_ALWAYS_AUTHENTICATE, Pkcs11ObjectFlags.AlwaysAuthenticate),
            Flag(CKA.CKA_TRUSTED, Pkcs11ObjectFlags.Trusted),
        };

        private static KeyValuePair<CKA, Pkcs11ObjectFlags> Flag(CKA a, Pkcs11ObjectFlags f) => new KeyValuePair<CKA, Pkcs11ObjectFlags>(a, f);

        /// <summary>The objects of <paramref name="token"/> that match <paramref name="query"/>, in the order the token returns them.</summary>
        public static List<Pkcs11Object> Read(Pkcs11Library library, Pkcs11Token token, Pkcs11ObjectQuery query)
        {
            if (library == null) throw new ArgumentNullException(nameof(library));
            if (token == null) throw new ArgumentNullException(nameof(token));
            query = query ?? new Pkcs11ObjectQuery();
            ISlot slot = library.FindSlot(token.SlotId);
            ISession session = library.Call(() => slot.OpenSession(SessionType.ReadOnly));
            bool loggedIn = false;
            try
            {
                loggedIn = query.Login && LogIn(library, slot, session, token, query.Pin);
                var handles = library.Call(() => session.FindAllObjects(Template(session, query)));
                var objects = new List<Pkcs11Object>(handles.Count);
                foreach (IObjectHandle handle in handles) objects.Add(ReadObject(library, session, handle, token));
                return objects;
            }
            finally
            {
                library.EndSession(session, token.SlotId, loggedIn);
            }
        }

        /// <summary>False when the token was logged in by someone else in the process: that login is not ours to end.</summary>
        internal static bool LogIn(Pkcs11Library library, ISlot slot, ISession session, Pkcs11Token token, byte[] pin)
        {
            try
            {
                return library.LogIn(token.SlotId, () => Login(library, session, pin));
            }
            catch (Pkcs11ModuleException ex) when (ex.ReturnValue is ulong rv && Pkcs11LoginException.IsPinFailure((CKR)rv))
            {
                Pkcs11TokenFlags? after = null;
                try { after = (Pkcs11TokenFlags)library.Call(() => slot.GetTokenInfo()).TokenFlags.Flags; }
                catch (Pkcs11ModuleException) { }
                throw new Pkcs11LoginException(library, token, rv, after, ex.InnerException);
            }
        }

        private static bool Login(Pkcs11Library library, ISession session, byte[] pin)
        {
            try
            {
                return library.Call(() =>
                {
                    session.Login(CKU.CKU_USER, pin);
                    return true;
                });
            }
            catch (Pkcs11ModuleException ex) when (ex.ReturnValue == (ulong)CKR.CKR_USER_ALREADY_LOGGED_IN)
            {
                return false;
            }
        }

        internal static List<IObjectAttribute> Template(ISession session, Pkcs11ObjectQuery query)
        {
            var factory = session.Factories.ObjectAttributeFactory;
            var template = new List<IObjectAttribute>();
            if (query.Class.HasValue) template.Add(factory.Create(CKA.CKA_CLASS, (ulong)query.Class.Value));
            if (query.Label != null) template.Add(factory.Create(CKA.CKA_LABEL, Encoding.UTF8.GetBytes(query.Label)));
            if (query.Id != null) template.Add(factory.Create(CKA.CKA_ID, query.Id));
            return template;
        }

        internal static Pkcs11Object ReadObject(Pkcs11Library library, ISession session, IObjectHandle handle, Pkcs11Token token)
        {
            var values = new Dictionary<CKA, IObjectAttribute>();
            Collect(values, library.Call(() => session.GetAttributeValue(handle, Common)));
            var cls = (Pkcs11ObjectClass)(ULong(values, CKA.CKA_CLASS) ?? ulong.MaxValue);
            byte[] id = Bytes(values, CKA.CKA_ID) ?? Array.Empty<byte>();
            byte[] label = Bytes(values, CKA.CKA_LABEL) ?? Array.Empty<byte>();
            var obj = new Pkcs11Object
            {
                Label = Encoding.UTF8.GetString(label),
                Id = SmartCardPS.Text.Hex.FormatLower(id),
                Class = cls,
                Token = token.Label,
                TokenUri = token.Uri,
                Module = token.Module,
                SlotId = token.SlotId,
                Uri = Pkcs11UriText.ForObject(token.Uri, id, label, cls),
            };
            var more = ClassAttributes(cls, ULong(values, CKA.CKA_KEY_TYPE), ULong(values, CKA.CKA_CERTIFICATE_TYPE));
            if (more.Count > 0) Collect(values, library.Call(() => session.GetAttributeValue(handle, more)));
            foreach (var flag in BooleanFlags)
            {
                if (Bool(values, flag.Key)) obj.Flags |= flag.Value;
            }
            if (ULong(values, CKA.CKA_CERTIFICATE_CATEGORY) == 2) obj.Flags |= Pkcs11ObjectFlags.CertificateAuthority;
            ulong? keyType = ULong(values, CKA.CKA_KEY_TYPE);
            if (keyType.HasValue) DescribeKey(obj, keyType.Value, values);
            byte[] der = cls == Pkcs11ObjectClass.Certificate ? Bytes(values, CKA.CKA_VALUE) : null;
            if (der != null && der.Length > 0)
            {
                obj.Value = der;
                CertificateKey.Describe(obj, der);
            }
            return obj;
        }

        private static void Collect(Dictionary<CKA, IObjectAttribute> values, List<IObjectAttribute> attributes)
        {
            foreach (IObjectAttribute a in attributes)
            {
                if (!a.CannotBeRead) values[(CKA)(uint)a.Type] = a;
            }
        }

        private static void DescribeKey(Pkcs11Object obj, ulong keyType, Dictionary<CKA, IObjectAttribute> values)
        {
            obj.KeyType = Pkcs11Names.KeyType(keyType);
            byte[] modulus = Bytes(values, CKA.CKA_MODULUS);
            byte[] ecParams = Bytes(values, CKA.CKA_EC_PARAMS);
            if (modulus != null && modulus.Length > 0)
            {
                obj.KeySize = BitLength(modulus);
            }
            else if (ecParams != null)
            {
                obj.Curve = EcCurves.Name(ecParams, out int? bits);
                obj.KeySize = bits;
            }
            else if (ULong(values, CKA.CKA_VALUE_LEN) is ulong length && length > 0 && length < int.MaxValue / 8)
            {
                obj.KeySize = (int)length * 8;
            }
        }

        /// <summary>RFC 7468 text, as GnuTLS and OpenSSL write it: 64 base64 characters a line, LF endings.</summary>
        public static string Pem(string label, byte[] der)
        {
            string b64 = Convert.ToBase64String(der);
            var sb = new StringBuilder("-----BEGIN ").Append(label).Append("-----\n");
            for (int i = 0; i < b64.Length; i += 64) sb.Append(b64, i, Math.Min(64, b64.Length - i)).Append('\n');
            return sb.Append("-----END ").Append(label).Append("-----\n").ToString();
        }

        /// <summary>
        /// The bytes of the first <paramref name="label"/> block of RFC 7468 text, the reverse of <see cref="Pem"/>
        /// (any line ending, text around the block ignored); null when there is no such block. ArgumentException when
        /// the block is not base64.
        /// </summary>
        public static byte[] FromPem(string text, string label)
        {
            string begin = "-----BEGIN " + label + "-----", end = "-----END " + label + "-----";
            int start = text.IndexOf(begin, StringComparison.Ordinal);
            int stop = start < 0 ? -1 : text.IndexOf(end, start, StringComparison.Ordinal);
            if (stop < 0) return null;
            try
            {
                return Convert.FromBase64String(text.Substring(start + begin.Length, stop - start - begin.Length));
            }
            catch (FormatException ex)
            {
                throw new ArgumentException($"Its {label} block is not base64: " + ex.Message, nameof(text), ex);
            }
        }

        private static int BitLength(byte[] bigEndian)
        {
            int i = 0;
            while (i < bigEndian.Length - 1 && bigEndian[i] == 0) i++;
            int bits = (bigEndian.Length - i - 1) * 8;
            for (int b = bigEndian[i]; b != 0; b >>= 1) bits++;
            return bits;
        }

        private static byte[] Bytes(Dictionary<CKA, IObjectAttribute> values, CKA type) =>
            values.TryGetValue(type, out var a) ? a.GetValueAsByteArray() : null;

        private static ulong? ULong(Dictionary<CKA, IObjectAttribute> values, CKA type)
        {
            byte[] raw = Bytes(values, type);
            if (raw == null || (raw.Length != 4 && raw.Length != 8)) return null;
            return values[type].GetValueAsUlong();
        }

        private static bool Bool(Dictionary<CKA, IObjectAttribute> values, CKA type)
        {
            byte[] raw = Bytes(values, type);
            return raw != null && raw.Length == 1 && raw[0] != 0;
        }
    }
}
