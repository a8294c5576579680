using System;
using System.Collections.Generic;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// One session on one token for the key operations (generate, export, sign, test, import): the user logs in at most
    /// once for all of them (C_Login, or a share of a login another user of the library in this process holds), and the
    /// session is logged out and closed on Dispose. Keys found here are remembered with their handles, so every later
    /// operation on them is in this same session and costs no second login.
    /// </summary>
    public sealed class Pkcs11KeySession : IDisposable
    {
        private readonly ISession session;
        private readonly bool loggedIn;
        private readonly Dictionary<Pkcs11Object, IObjectHandle> handles = new Dictionary<Pkcs11Object, IObjectHandle>();
        private List<Pkcs11Mechanism> mechanisms;
        private List<CKM> types;
        private readonly Dictionary<ulong, Pkcs11Mechanism> infos = new Dictionary<ulong, Pkcs11Mechanism>();
        private bool disposed;

        private Pkcs11KeySession(Pkcs11Library library, Pkcs11Token token, ISession session, bool loggedIn, byte[] pin)
        {
            Library = library;
            Token = token;
            this.session = session;
            this.loggedIn = loggedIn;
            // Kept only for CKA_ALWAYS_AUTHENTICATE keys (a context-specific login per signature); the caller owns and clears it.
            Pin = pin;
        }

        public Pkcs11Token Token { get; }
        internal Pkcs11Library Library { get; }
        internal byte[] Pin { get; }
        internal Pkcs11InteropFactories Factories => session.Factories;

        /// <summary>
        /// A session on <paramref name="token"/>, read-write when <paramref name="readWrite"/> (refused up front on a
        /// write-protected token), logged in as the user when <paramref name="login"/>: <paramref name="pin"/> null means
        /// the token's protected authentication path. A wrong PIN is a Pkcs11LoginException and is never retried.
        /// </summary>
        public static Pkcs11KeySession Open(Pkcs11Library library, Pkcs11Token token, bool readWrite, bool login, byte[] pin)
        {
            if (library == null) throw new ArgumentNullException(nameof(library));
            if (token == null) throw new ArgumentNullException(nameof(token));
            if (readWrite && token.Flags.HasFlag(Pkcs11TokenFlags.WriteProtected))
            {
                throw new Pkcs11KeyException(Pkcs11KeyFailure.ReadOnlyToken, library, token,
                    "the token is write-protected (CKF_WRITE_PROTECTED), so no object can be created on it. Use a token that is not read-only.",
                    (ulong)CKR.CKR_TOKEN_WRITE_PROTECTED);
            }
            ISlot slot = library.FindSlot(token.SlotId);
            ISession session;
            try
            {
                session = library.Call(() => slot.OpenSession(readWrite ? SessionType.ReadWrite : SessionType.ReadOnly));
            }
            catch (Pkcs11ModuleException ex) when (ex.ReturnValue == (ulong)CKR.CKR_TOKEN_WRITE_PROTECTED)
            {
                throw new Pkcs11KeyException(Pkcs11KeyFailure.ReadOnlyToken, library, token,
                    "the token refused a read-write session (CKR_TOKEN_WRITE_PROTECTED): it is read-only.", ex.ReturnValue, ex);
            }
            bool loggedIn = false;
            try
            {
                loggedIn = login && Pkcs11ObjectReader.LogIn(library, slot, session, token, pin);
            }
            catch
            {
                library.EndSession(session, token.SlotId, false);
                throw;
            }
            return new Pkcs11KeySession(library, token, session, loggedIn, pin);
        }

        /// <summary>One call with this session, under the library's call lock; a module failure is a Pkcs11ModuleException.</summary>
        internal T Call<T>(Func<ISession, T> call) => Library.Call(() => call(session));

        /// <summary>Every mechanism of the token with its info, asked once per session (for messages that list them).</summary>
        public List<Pkcs11Mechanism> Mechanisms => mechanisms ?? (mechanisms = Library.GetMechanisms(Token, _ => { }));

        /// <summary>
        /// The mechanism of that code when the token lists it with all of <paramref name="flags"/>; else null. Asks
        /// C_GetMechanismList once and C_GetMechanismInfo for this code alone: a token lists dozens of mechanisms, and
        /// reading them all cost every signature more than the signature itself.
        /// </summary>
        internal Pkcs11Mechanism Mechanism(ulong type, Pkcs11MechanismFlags flags)
        {
            if (mechanisms != null) return mechanisms.Find(m => m.Type == type && (m.Flags & flags) == flags);
            ISlot slot = Library.FindSlot(Token.SlotId);
            if (types == null) types = Library.Call(() => slot.GetMechanismList());
            if (!types.Contains((CKM)(uint)type)) return null;
            if (!infos.TryGetValue(type, out Pkcs11Mechanism mechanism))
            {
                IMechanismInfo info = Library.Call(() => slot.GetMechanismInfo((CKM)(uint)type));
                mechanism = new Pkcs11Mechanism
                {
                    Name = Pkcs11Names.Mechanism(type),
                    Type = type,
                    MinKeySize = info.MinKeySize,
                    MaxKeySize = info.MaxKeySize,
                    Flags = (Pkcs11MechanismFlags)info.MechanismFlags.Flags,
                    Token = Token.Label,
                    TokenUri = Token.Uri,
                    Module = Token.Module,
                    SlotId = Token.SlotId,
                };
                infos[type] = mechanism;
            }
            return (mechanism.Flags & flags) == flags ? mechanism : null;
        }

        /// <summary>The objects of <paramref name="cls"/> with that CKA_ID and CKA_LABEL (either may be null for any), remembered for later use here.</summary>
        public List<Pkcs11Object> Find(Pkcs11ObjectClass cls, byte[] id, string label)
        {
            var factory = session.Factories.ObjectAttributeFactory;
            var template = new List<IObjectAttribute> { factory.Create(CKA.CKA_CLASS, (ulong)cls) };
            if (id != null) template.Add(factory.Create(CKA.CKA_ID, id));
            if (label != null) template.Add(factory.Create(CKA.CKA_LABEL, Encoding.UTF8.GetBytes(label)));
            var found = new List<Pkcs11Object>();
            foreach (IObjectHandle handle in Call(s => s.FindAllObjects(template))) found.Add(Remember(handle));
            return found;
        }

        /// <summary>Reads the object as Get-Pkcs11Object lists it and remembers its handle.</summary>
        internal Pkcs11Object Remember(IObjectHandle handle)
        {
            Pkcs11Object obj = Pkcs11ObjectReader.ReadObject(Library, session, handle, Token);
            handles[obj] = handle;
            return obj;
        }

        internal IObjectHandle HandleOf(Pkcs11Object obj) =>
            obj != null && handles.TryGetValue(obj, out IObjectHandle handle) ? handle
                : throw new ArgumentException("The object was not found in this session.", nameof(obj));

        /// <summary>Raw attribute values of an object found here; an attribute the token will not give is null.</summary>
        internal Dictionary<CKA, byte[]> Attributes(Pkcs11Object obj, params CKA[] types)
        {
            var values = new Dictionary<CKA, byte[]>();
            foreach (IObjectAttribute a in Call(s => s.GetAttributeValue(HandleOf(obj), new List<CKA>(types))))
                values[(CKA)(uint)a.Type] = a.CannotBeRead ? null : a.GetValueAsByteArray();
            return values;
        }

        /// <summary>A failure of the module during a key operation, as a Pkcs11KeyException that says what to do.</summary>
        internal Pkcs11KeyException Failure(Pkcs11ModuleException ex, string what)
        {
            ulong rv = ex.ReturnValue ?? 0;
            switch ((CKR)(uint)rv)
            {
                case CKR.CKR_DEVICE_MEMORY:
                    return new Pkcs11KeyException(Pkcs11KeyFailure.TokenFull, Library, Token, $"{what} failed: the token is full (CKR_DEVICE_MEMORY). Delete objects it no longer needs.", rv, ex);
                case CKR.CKR_TOKEN_WRITE_PROTECTED:
                    return new Pkcs11KeyException(Pkcs11KeyFailure.ReadOnlyToken, Library, Token, $"{what} failed: the token is read-only (CKR_TOKEN_WRITE_PROTECTED).", rv, ex);
                case CKR.CKR_KEY_SIZE_RANGE:
                    return new Pkcs11KeyException(Pkcs11KeyFailure.KeySizeOutOfRange, Library, Token, $"{what} failed: the token does not take that key size (CKR_KEY_SIZE_RANGE).", rv, ex);
                case CKR.CKR_MECHANISM_INVALID:
                    return new Pkcs11KeyException(Pkcs11KeyFailure.MechanismNotSupported, Library, Token, $"{what} failed: the token does not support the mechanism (CKR_MECHANISM_INVALID).", rv, ex);
                case CKR.CKR_KEY_FUNCTION_NOT_PERMITTED:
                case CKR.CKR_KEY_TYPE_INCONSISTENT:
                    return new Pkcs11KeyException(Pkcs11KeyFailure.NotASigningKey, Library, Token, $"{what} failed: the key may not do that ({ex.ReturnValueName}).", rv, ex);
                default:
                    if (rv == 0x140 || rv == (ulong)CKR.CKR_DOMAIN_PARAMS_INVALID)
                        return new Pkcs11KeyException(Pkcs11KeyFailure.CurveNotSupported, Library, Token, $"{what} failed: the token does not support the curve ({ex.ReturnValueName}).", rv, ex);
                    return new Pkcs11KeyException(Pkcs11KeyFailure.OperationFailed, Library, Token, $"{what} failed: {ex.Reason}.", ex.ReturnValue, ex);
            }
        }

        /// <summary>Logs out (when this was the last user of our login) and closes the session.</summary>
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            Library.EndSession(session, Token.SlotId, loggedIn);
        }
    }
}
