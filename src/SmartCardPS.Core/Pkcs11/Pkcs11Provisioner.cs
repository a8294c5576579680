using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using SmartCardPS.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// The write half of the PKCS#11 runtime, what p11tool --initialize/--set-pin/--write/--delete and pkcs11-tool
    /// --init-token/--init-pin/--change-pin/--write-object/--delete-object do: each operation is one read-write session
    /// (Pkcs11WriteSession), logged out and closed before it returns. PINs are UTF-8 bytes the caller owns and clears;
    /// none is ever kept or put in a message. A PIN the token refuses is one call (C_Login, C_SetPIN or C_InitToken), never
    /// retried, reported as a Pkcs11LoginException with the counter flags.
    /// </summary>
    public static class Pkcs11Provisioner
    {
        /// <summary>CK_TOKEN_INFO's label field: 32 bytes, blank padded.</summary>
        public const int MaxLabelBytes = 32;

        /// <summary>
        /// C_InitToken on <paramref name="token"/>'s slot with <paramref name="soPin"/> and <paramref name="label"/> (which erases every
        /// object of an initialised token), then, with <paramref name="userPin"/>, C_Login as SO and C_InitPIN, as softhsm2-util --init-token
        /// --pin --so-pin does. Returns the token as the module now lists it (SoftHSM moves it to a new slot id). A null
        /// <paramref name="soPin"/> (and no <paramref name="userPin"/>) is for a token with a PIN pad: the pad asks for it.
        /// </summary>
        public static Pkcs11Token InitializeToken(Pkcs11Library library, Pkcs11Token token, byte[] soPin, string label, byte[] userPin = null)
        {
            if (library == null) throw new ArgumentNullException(nameof(library));
            if (token == null) throw new ArgumentNullException(nameof(token));
            if (soPin == null && (userPin != null || !token.Flags.HasFlag(Pkcs11TokenFlags.ProtectedAuthenticationPath)))
                throw new ArgumentNullException(nameof(soPin));
            byte[] padded = PaddedLabel(label);
            Pkcs11WriteSession.RefuseWriteProtected(library, token);
            ISlot slot = library.FindSlot(token.SlotId);
            try
            {
                library.Call(() =>
                {
                    slot.InitToken(soPin, padded);
                    return true;
                });
            }
            catch (Pkcs11ModuleException ex) when (ex.ReturnValue is ulong rv && Pkcs11LoginException.IsPinFailure((CKR)rv))
            {
                Pkcs11TokenFlags? after = null;
                try { after = (Pkcs11TokenFlags)library.Call(() => slot.GetTokenInfo()).TokenFlags.Flags; }
                catch (Pkcs11ModuleException) { }
                throw new Pkcs11LoginException(library, token, rv, after, ex.InnerException, securityOfficer: true, method: "C_InitToken");
            }
            string serial = library.Call(() => slot.GetTokenInfo()).SerialNumber;
            Pkcs11Token initialised = Find(library, token.SlotId, serial, label);
            if (userPin == null) return initialised;
            try
            {
                ResetUserPin(library, initialised, soPin, userPin);
            }
            catch (Pkcs11ModuleException ex)
            {
                // C_InitToken cannot be undone: say exactly what was done and what is left to do.
                throw library.Partial(initialised.SlotId,
                    $"the token was initialised as {UntrustedText.Quote(label)}, but setting its user PIN failed ({ex.ReturnValueName ?? ex.Reason}): set it with Reset-Pkcs11Pin", ex);
            }
            return Find(library, initialised.SlotId, serial, label);
        }

        /// <summary>The token just initialised: in its slot if the module kept the slot id, else the one with its new serial and label.</summary>
        private static Pkcs11Token Find(Pkcs11Library library, ulong slotId, string serial, string label)
        {
            var tokens = library.GetTokens(false);
            Pkcs11Token found = tokens.FirstOrDefault(t => t.SlotId == slotId && t.Label == label && t.SerialNumber == serial)
                ?? tokens.FirstOrDefault(t => t.Label == label && t.SerialNumber == serial);
            return found ?? throw library.Refusal(slotId,
                $"the token was initialised, but no initialised token labelled {UntrustedText.Quote(label)} with serial {UntrustedText.Quote(serial)} is listed now",
                CKR.CKR_TOKEN_NOT_PRESENT);
        }

        /// <summary>32 bytes: the label's UTF-8, blank padded; ArgumentException when it does not fit or holds a control character.</summary>
        public static byte[] PaddedLabel(string label)
        {
            if (label == null) throw new ArgumentNullException(nameof(label));
            if (label.Any(char.IsControl)) throw new ArgumentException($"The token label {UntrustedText.Quote(label)} holds a control character, which no tool shows faithfully.", nameof(label));
            byte[] bytes = Encoding.UTF8.GetBytes(label);
            if (bytes.Length > MaxLabelBytes)
                throw new ArgumentException($"The token label {UntrustedText.Quote(label)} is {bytes.Length} bytes in UTF-8; a PKCS#11 token label holds at most {MaxLabelBytes}.", nameof(label));
            var padded = new byte[MaxLabelBytes];
            for (int i = 0; i < padded.Length; i++) padded[i] = i < bytes.Length ? bytes[i] : (byte)' ';
            return padded;
        }

        /// <summary>
        /// C_SetPIN. The user PIN is changed in a public session (the old PIN is checked by C_SetPIN itself: no C_Login, so a
        /// wrong one costs one try, as one C_Login would); the SO PIN after one C_Login as SO with the old PIN. Both PINs null:
        /// the token's PIN pad asks for them (NULL PINs of length 0, as PKCS#11 has it for CKF_PROTECTED_AUTHENTICATION_PATH).
        /// </summary>
        public static void ChangePin(Pkcs11Library library, Pkcs11Token token, bool securityOfficer, byte[] oldPin, byte[] newPin)
        {
            RequirePinsOrPad(token, oldPin, newPin, nameof(oldPin), nameof(newPin));
            using (var write = Pkcs11WriteSession.Open(library, token, securityOfficer ? Pkcs11WriteLogin.SecurityOfficer : Pkcs11WriteLogin.None, oldPin))
            {
                try
                {
                    write.Call(() => write.Session.SetPin(oldPin, newPin));
                }
                catch (Pkcs11ModuleException ex) when (ex.ReturnValue is ulong rv && Pkcs11LoginException.IsPinFailure((CKR)rv))
                {
                    throw write.PinFailure(ex, securityOfficer, "C_SetPIN");
                }
            }
        }

        /// <summary>
        /// C_Login as SO, then C_InitPIN: sets the user PIN of a token that has none yet, or unblocks a locked one (the user
        /// PIN's retry counter starts again). One C_Login: a wrong SO PIN is not retried. Both PINs null: the token's PIN pad
        /// asks for them.
        /// </summary>
        public static void ResetUserPin(Pkcs11Library library, Pkcs11Token token, byte[] soPin, byte[] newUserPin)
        {
            RequirePinsOrPad(token, soPin, newUserPin, nameof(soPin), nameof(newUserPin));
            using (var write = Pkcs11WriteSession.Open(library, token, Pkcs11WriteLogin.SecurityOfficer, soPin))
            {
                try
                {
                    write.Call(() => write.Session.InitPin(newUserPin));
                }
                catch (Pkcs11ModuleException ex) when (ex.ReturnValue is ulong rv && (rv == (ulong)CKR.CKR_PIN_INVALID || rv == (ulong)CKR.CKR_PIN_LEN_RANGE))
                {
                    throw write.PinFailure(ex, securityOfficer: false, "C_InitPIN");
                }
            }
        }

        /// <summary>
        /// Both PINs, or neither on a token with a PIN pad (the pad asks for both: PKCS#11 leaves one typed here and one
        /// on the pad undefined).
        /// </summary>
        private static void RequirePinsOrPad(Pkcs11Token token, byte[] pin, byte[] newPin, string pinName, string newPinName)
        {
            if (token == null) throw new ArgumentNullException(nameof(token));
            if (pin == null && newPin == null && token.Flags.HasFlag(Pkcs11TokenFlags.ProtectedAuthenticationPath)) return;
            if (pin == null) throw new ArgumentNullException(pinName);
            if (newPin == null) throw new ArgumentNullException(newPinName);
        }

        /// <summary>
        /// C_CreateObject of an X.509 certificate (CKA_SUBJECT, CKA_ISSUER, CKA_SERIAL_NUMBER, CKA_VALUE), public, on the token.
        /// Without <paramref name="id"/> it takes the CKA_ID of the key on the token whose public key is the certificate's,
        /// so OpenSSH, Firefox and GnuTLS pair them, else the certificate's key id (SHA-1 of its public key, as p11tool --write
        /// sets it). <paramref name="login"/> logs the user in with <paramref name="pin"/> (null: the PIN pad) first.
        /// Returns the new object as Get-Pkcs11Object lists it.
        /// </summary>
        public static Pkcs11Object ImportCertificate(Pkcs11Library library, Pkcs11Token token, byte[] der, string label, byte[] id, bool login, byte[] pin)
        {
            if (der == null) throw new ArgumentNullException(nameof(der));
            var certificate = new Pkcs11CertificateData(der);
            using (var write = Pkcs11WriteSession.Open(library, token, login ? Pkcs11WriteLogin.User : Pkcs11WriteLogin.None, pin))
            {
                id = id ?? Pkcs11KeyMatch.IdOfKey(write, certificate) ?? certificate.KeyId;
                var factory = write.Session.Factories.ObjectAttributeFactory;
                var template = new List<IObjectAttribute>
                {
                    factory.Create(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE),
                    factory.Create(CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_X_509),
                    factory.Create(CKA.CKA_TOKEN, true),
                    factory.Create(CKA.CKA_PRIVATE, false),
                    factory.Create(CKA.CKA_LABEL, Encoding.UTF8.GetBytes(label ?? string.Empty)),
                    factory.Create(CKA.CKA_ID, id),
                    factory.Create(CKA.CKA_SUBJECT, certificate.Subject),
                    factory.Create(CKA.CKA_ISSUER, certificate.Issuer),
                    factory.Create(CKA.CKA_SERIAL_NUMBER, certificate.SerialNumber),
                    factory.Create(CKA.CKA_VALUE, der),
                };
                return Create(write, token, template);
            }
        }

        /// <summary>
        /// The DER of the first certificate in <paramref name="content"/>: DER as it is, or PEM (RFC 7468, the first
        /// CERTIFICATE block, as p11tool --load-certificate reads it). ArgumentException when it is neither.
        /// </summary>
        public static byte[] CertificateDer(byte[] content)
        {
            if (content == null) throw new ArgumentNullException(nameof(content));
            if (content.Length > 0 && content[0] == 0x30) return content;
            return Pkcs11ObjectReader.FromPem(Encoding.ASCII.GetString(content), "CERTIFICATE")
                ?? throw new ArgumentException("It is neither DER nor PEM with a BEGIN CERTIFICATE block.", nameof(content));
        }

        /// <summary>
        /// C_CreateObject of a data object (CKO_DATA with CKA_APPLICATION and CKA_VALUE), as pkcs11-tool --write-object --type data
        /// does; a private one needs <paramref name="login"/>.
        /// </summary>
        public static Pkcs11Object ImportData(Pkcs11Library library, Pkcs11Token token, byte[] value, string label, string application, bool isPrivate, bool login, byte[] pin)
        {
            if (value == null) throw new ArgumentNullException(nameof(value));
            using (var write = Pkcs11WriteSession.Open(library, token, login || isPrivate ? Pkcs11WriteLogin.User : Pkcs11WriteLogin.None, pin))
            {
                var factory = write.Session.Factories.ObjectAttributeFactory;
                var template = new List<IObjectAttribute>
                {
                    factory.Create(CKA.CKA_CLASS, CKO.CKO_DATA),
                    factory.Create(CKA.CKA_TOKEN, true),
                    factory.Create(CKA.CKA_PRIVATE, isPrivate),
                    factory.Create(CKA.CKA_LABEL, Encoding.UTF8.GetBytes(label ?? string.Empty)),
                    factory.Create(CKA.CKA_APPLICATION, Encoding.UTF8.GetBytes(application ?? string.Empty)),
                    factory.Create(CKA.CKA_VALUE, value),
                };
                return Create(write, token, template);
            }
        }

        /// <summary>
        /// C_CreateObject, then the new object read back. When reading it fails the object is destroyed again, so
        /// that an import that reports a failure has written nothing; when destroying it fails too, the message says
        /// it is left.
        /// </summary>
        private static Pkcs11Object Create(Pkcs11WriteSession write, Pkcs11Token token, List<IObjectAttribute> template)
        {
            IObjectHandle handle = write.Call(() => write.Session.CreateObject(template));
            try
            {
                return Pkcs11ObjectReader.ReadObject(write.Library, write.Session, handle, token);
            }
            catch (Pkcs11ModuleException unread)
            {
                string failed = $"the object was created, but reading it back failed ({unread.Reason})";
                try
                {
                    write.Call(() => write.Session.DestroyObject(handle));
                }
                catch (Pkcs11ModuleException kept)
                {
                    throw write.Library.Partial(token.SlotId,
                        $"{failed} and destroying it failed too ({kept.Reason}): it is still on the token; remove it with Remove-Pkcs11Object", unread);
                }
                throw write.Library.Partial(token.SlotId, $"{failed}, so it was destroyed again: nothing was written", unread);
            }
        }

        /// <summary>
        /// C_DestroyObject of the objects <paramref name="query"/> matches (CKA_CLASS, CKA_LABEL, CKA_ID as given) that
        /// <paramref name="choose"/> picks from all it matches (every one without it), in one session with at most one
        /// C_Login. Returns the objects destroyed, as they were listed.
        /// </summary>
        public static List<Pkcs11Object> Remove(Pkcs11Library library, Pkcs11Token token, Pkcs11ObjectQuery query,
            Func<IReadOnlyList<Pkcs11Object>, IEnumerable<Pkcs11Object>> choose = null)
        {
            if (query == null) throw new ArgumentNullException(nameof(query));
            using (var write = Pkcs11WriteSession.Open(library, token, query.Login ? Pkcs11WriteLogin.User : Pkcs11WriteLogin.None, query.Pin))
            {
                var chosen = Choose(write, token, query, choose);
                foreach (var pair in chosen) write.Call(() => write.Session.DestroyObject(pair.Key));
                return chosen.Select(pair => pair.Value).ToList();
            }
        }

        /// <summary>
        /// C_SetAttributeValue of CKA_LABEL and/or CKA_ID (one call per object, so both change or neither) on the objects
        /// <paramref name="query"/> matches that <paramref name="choose"/> picks, as p11tool --set-label / --set-id do, in one
        /// session with at most one C_Login. When the token refuses one, those changed before it are put back, so a failure
        /// leaves none changed. Returns the objects as they are now.
        /// </summary>
        public static List<Pkcs11Object> Update(Pkcs11Library library, Pkcs11Token token, Pkcs11ObjectQuery query, string newLabel, byte[] newId,
            Func<IReadOnlyList<Pkcs11Object>, IEnumerable<Pkcs11Object>> choose = null)
        {
            if (query == null) throw new ArgumentNullException(nameof(query));
            if (newLabel == null && newId == null) throw new ArgumentException("Give a new label, a new id, or both.");
            using (var write = Pkcs11WriteSession.Open(library, token, query.Login ? Pkcs11WriteLogin.User : Pkcs11WriteLogin.None, query.Pin))
            {
                var factory = write.Session.Factories.ObjectAttributeFactory;
                var changes = new List<IObjectAttribute>();
                if (newLabel != null) changes.Add(factory.Create(CKA.CKA_LABEL, Encoding.UTF8.GetBytes(newLabel)));
                if (newId != null) changes.Add(factory.Create(CKA.CKA_ID, newId));
                var chosen = Choose(write, token, query, choose);
                // What each object had before, so that a refusal for one of several (a data object has no CKA_ID) leaves none changed.
                var before = chosen.Select(pair => write.Call(() => write.Session.GetAttributeValue(pair.Key, changes.Select(c => (CKA)c.Type).ToList()))).ToList();
                for (int i = 0; i < chosen.Count; i++)
                {
                    IObjectHandle handle = chosen[i].Key;
                    try
                    {
                        write.Call(() => write.Session.SetAttributeValue(handle, changes));
                    }
                    catch (Pkcs11ModuleException ex)
                    {
                        throw Undo(write, token, chosen, before, i, ex);
                    }
                }
                return chosen.Select(pair => Pkcs11ObjectReader.ReadObject(write.Library, write.Session, pair.Key, token)).ToList();
            }
        }

        /// <summary>
        /// Puts back the label and id of the <paramref name="changed"/> objects changed before the one that failed, and says
        /// so: "nothing was changed", or which objects keep the new values when putting them back failed too.
        /// </summary>
        private static Pkcs11ModuleException Undo(Pkcs11WriteSession write, Pkcs11Token token, List<KeyValuePair<IObjectHandle, Pkcs11Object>> chosen,
            List<List<IObjectAttribute>> before, int changed, Pkcs11ModuleException failure)
        {
            string failed = $"{failure.Reason} for {UntrustedText.Quote(chosen[changed].Value.Uri)}";
            if (changed == 0) return write.Library.Partial(token.SlotId, failed + "; nothing was changed", failure);
            var kept = new List<string>();
            for (int i = 0; i < changed; i++)
            {
                IObjectHandle handle = chosen[i].Key;
                List<IObjectAttribute> old = before[i];
                try { write.Call(() => write.Session.SetAttributeValue(handle, old)); }
                catch (Pkcs11ModuleException) { kept.Add(UntrustedText.Quote(chosen[i].Value.Uri)); }
            }
            return write.Library.Partial(token.SlotId, kept.Count == 0
                ? $"{failed}; nothing was changed (the {changed} object(s) changed before it were put back)"
                : $"{failed}; putting back the objects changed before it failed, so these keep the new values: {string.Join(", ", kept)}", failure);
        }

        private static List<KeyValuePair<IObjectHandle, Pkcs11Object>> Choose(Pkcs11WriteSession write, Pkcs11Token token, Pkcs11ObjectQuery query,
            Func<IReadOnlyList<Pkcs11Object>, IEnumerable<Pkcs11Object>> choose)
        {
            var handles = write.Call(() => write.Session.FindAllObjects(Pkcs11ObjectReader.Template(write.Session, query)));
            var found = handles.Select(h => new KeyValuePair<IObjectHandle, Pkcs11Object>(h, Pkcs11ObjectReader.ReadObject(write.Library, write.Session, h, token))).ToList();
            if (choose == null) return found;
            var picked = new HashSet<Pkcs11Object>(choose(found.Select(pair => pair.Value).ToList()) ?? Enumerable.Empty<Pkcs11Object>());
            return found.Where(pair => picked.Contains(pair.Value)).ToList();
        }
    }
}
