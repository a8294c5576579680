using System;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace SmartCardPS.Pkcs11
{
    /// <summary>Who logs in to a write session: nobody (public objects, C_SetPIN of the user PIN), the user, or the security officer.</summary>
    internal enum Pkcs11WriteLogin
    {
        None,
        User,
        SecurityOfficer,
    }

    /// <summary>
    /// One read-write session for one provisioning call: opened just for it, logged in as it needs (the user's login
    /// shared with the rest of the process as Pkcs11ObjectReader shares it, the SO's its own), and logged out and closed
    /// by Dispose before the command returns. Every call goes through Pkcs11Library.Call, under the library's call lock.
    /// A wrong PIN is one C_Login, never retried: it becomes a Pkcs11LoginException with the counter flags read right after.
    /// </summary>
    internal sealed class Pkcs11WriteSession : IDisposable
    {
        private readonly Pkcs11Library library;
        private readonly Pkcs11Token token;
        private bool userLoggedIn;
        private bool securityOfficerLoggedIn;

        private Pkcs11WriteSession(Pkcs11Library library, Pkcs11Token token, ISlot slot, ISession session)
        {
            this.library = library;
            this.token = token;
            Slot = slot;
            Session = session;
        }

        public Pkcs11Library Library => library;
        public ISlot Slot { get; }
        public ISession Session { get; }

        /// <summary>
        /// Opens the session and logs in. A token reporting CKF_WRITE_PROTECTED is refused before any session opens,
        /// with CKR_TOKEN_WRITE_PROTECTED (what the module would answer) and nothing written.
        /// </summary>
        public static Pkcs11WriteSession Open(Pkcs11Library library, Pkcs11Token token, Pkcs11WriteLogin login, byte[] pin)
        {
            if (library == null) throw new ArgumentNullException(nameof(library));
            if (token == null) throw new ArgumentNullException(nameof(token));
            RefuseWriteProtected(library, token);
            ISlot slot = library.FindSlot(token.SlotId);
            ISession session = library.Call(() => slot.OpenSession(SessionType.ReadWrite));
            var write = new Pkcs11WriteSession(library, token, slot, session);
            try
            {
                if (login == Pkcs11WriteLogin.User) write.userLoggedIn = Pkcs11ObjectReader.LogIn(library, slot, session, token, pin);
                else if (login == Pkcs11WriteLogin.SecurityOfficer) write.LogInSecurityOfficer(pin);
                return write;
            }
            catch
            {
                write.Dispose();
                throw;
            }
        }

        internal static void RefuseWriteProtected(Pkcs11Library library, Pkcs11Token token)
        {
            if (token.Flags.HasFlag(Pkcs11TokenFlags.WriteProtected))
            {
                throw library.Refusal(token.SlotId,
                    $"the token {SmartCardPS.Text.UntrustedText.Quote(token.Label)} is write-protected (CKF_WRITE_PROTECTED, CKR_TOKEN_WRITE_PROTECTED): nothing was written",
                    CKR.CKR_TOKEN_WRITE_PROTECTED);
            }
        }

        private void LogInSecurityOfficer(byte[] pin)
        {
            try
            {
                library.Call(() =>
                {
                    Session.Login(CKU.CKU_SO, pin);
                    return true;
                });
                securityOfficerLoggedIn = true;
            }
            catch (Pkcs11ModuleException ex) when (ex.ReturnValue is ulong rv && Pkcs11LoginException.IsPinFailure((CKR)rv))
            {
                throw PinFailure(ex, securityOfficer: true, "C_Login");
            }
        }

        /// <summary>A PIN the module refused in <paramref name="method"/>, with the token's counter flags as they are now.</summary>
        public Pkcs11LoginException PinFailure(Pkcs11ModuleException ex, bool securityOfficer, string method)
        {
            Pkcs11TokenFlags? after = null;
            try { after = (Pkcs11TokenFlags)library.Call(() => Slot.GetTokenInfo()).TokenFlags.Flags; }
            catch (Pkcs11ModuleException) { }
            return new Pkcs11LoginException(library, token, ex.ReturnValue.Value, after, ex.InnerException, securityOfficer, method);
        }

        public T Call<T>(Func<T> call) => library.Call(call);

        public void Call(Action call) => library.Call(() =>
        {
            call();
            return true;
        });

        public void Dispose() => library.EndSession(Session, token.SlotId, userLoggedIn, securityOfficerLoggedIn);
    }
}
