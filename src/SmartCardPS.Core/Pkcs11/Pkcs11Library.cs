using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// One user's reference to a PKCS#11 library, which the whole process shares (one per library file however its
    /// path is spelled, initialized once, finalized when the last reference is disposed); Path stays as its user gave
    /// it. Every failure surfaces as a Pkcs11ModuleException that names the module. With a cancellation token each
    /// native call runs on its own thread, so a caller can stop waiting for a module stuck in a call; the library
    /// stays loaded until the call returns.
    /// </summary>
    public sealed class Pkcs11Library : IDisposable
    {
        private Pkcs11LibraryHandle handle;
        private readonly CancellationToken cancellation;
        private Pkcs11LibraryInfo info;

        private Pkcs11Library(string name, string path, string configFile, CancellationToken cancellation)
        {
            Name = name;
            Path = path;
            ConfigFile = configFile;
            this.cancellation = cancellation;
        }

        public string Name { get; }
        public string Path { get; }
        public string ConfigFile { get; }

        /// <summary>The module refused CKF_OS_LOCKING_OK: it is initialized without it and called by one thread at a time.</summary>
        public bool SerializesCalls => handle?.SerializesCalls ?? false;

        /// <summary>
        /// A reference to the library at <paramref name="path"/>, loaded and initialized (multi-threaded, OS locking)
        /// by its first user in this process. <paramref name="cancellation"/> stops waiting for it, and for each
        /// call, with an OperationCanceledException.
        /// </summary>
        public static Pkcs11Library Load(string path, string name = null, string configFile = null, CancellationToken cancellation = default)
        {
            var lib = new Pkcs11Library(name ?? System.IO.Path.GetFileName(path), path, configFile, cancellation);
            if (string.IsNullOrEmpty(path))
                throw lib.Failure(Pkcs11FailureKind.NotFound, "its config sets no library (module: is blank or missing)", null);
            if (Directory.Exists(path))
                throw lib.Failure(Pkcs11FailureKind.NotLoadable, "it is a directory, not a shared library", null);
            if (!File.Exists(path))
                throw lib.Failure(Pkcs11FailureKind.NotFound, "the library file does not exist", null);
            // The loader would block forever opening a FIFO; devices and FIFOs report no length, and neither do empty files.
            if (new FileInfo(path).Length == 0)
                throw lib.Failure(Pkcs11FailureKind.NotLoadable, "it is empty or not a regular file (a FIFO, socket or device), so not a shared library", null);
            string writer = UnixFile.IsRoot() ? Pkcs11LibraryWriters.Problem(path) : null;
            if (writer != null)
                throw lib.Failure(Pkcs11FailureKind.Untrusted, "as root, no library is loaded that a user other than root can change, since its code would run as root: " + writer, null);
            Pkcs11LibraryHandle shared = Pkcs11LibraryHandle.Acquire(path);
            try
            {
                Wait(shared.Ready, cancellation);
            }
            catch (Exception ex)
            {
                shared.Release();
                if (ex is UnmanagedException unmanaged)
                {
                    bool noEntryPoint = unmanaged.Message.IndexOf("C_GetFunctionList", StringComparison.Ordinal) >= 0;
                    string reason = noEntryPoint
                        ? "it has no C_GetFunctionList, so it is not a PKCS#11 module"
                        : "the loader refused it: " + UntrustedText.QuoteAtMost(NativeLoader.LoaderMessage(path) ?? unmanaged.Message, 400);
                    throw lib.Failure(noEntryPoint ? Pkcs11FailureKind.NotPkcs11 : Pkcs11FailureKind.NotLoadable, reason, unmanaged);
                }
                if (ex is Pkcs11Exception pkcs11) throw lib.CallFailure(pkcs11);
                throw;
            }
            lib.handle = shared;
            return lib;
        }

        /// <summary>Waits for <paramref name="task"/> unless cancelled, and rethrows its own exception, not an AggregateException.</summary>
        private static void Wait(Task task, CancellationToken cancellation)
        {
            try
            {
                task.Wait(cancellation);
            }
            catch (AggregateException)
            {
            }
            task.GetAwaiter().GetResult();
        }

        /// <summary>C_GetInfo, asked once per load.</summary>
        public Pkcs11LibraryInfo GetInfo()
        {
            if (info == null)
            {
                ILibraryInfo li = Call(lib => lib.GetInfo());
                info = new Pkcs11LibraryInfo
                {
                    LibraryDescription = li.LibraryDescription,
                    LibraryManufacturer = li.ManufacturerId,
                    LibraryVersion = Version(li.LibraryVersion),
                    CryptokiVersion = Version(li.CryptokiVersion),
                };
            }
            return info;
        }

        /// <summary>
        /// Every initialised token, in slot order, as p11tool --list-tokens lists them; with <paramref name="includeEmptySlots"/>
        /// also uninitialised tokens and the slots without a usable token, each with a URI naming its slot-id. A slot
        /// that fails is passed to <paramref name="slotFailed"/> (naming module, slot and CKR_ code) and the other
        /// slots still list; without it the first failing slot throws. <paramref name="probing"/> hears of each slot before and after it is read.
        /// </summary>
        public List<Pkcs11Token> GetTokens(bool includeEmptySlots, Action<Pkcs11ModuleException> slotFailed = null, Action<Pkcs11SlotProbe> probing = null)
        {
            Pkcs11LibraryInfo lib = GetInfo();
            var slots = Call(l => l.GetSlotList(includeEmptySlots ? SlotsType.WithOrWithoutTokenPresent : SlotsType.WithTokenPresent));
            var tokens = new List<Pkcs11Token>(slots.Count);
            int index = 0;
            foreach (ISlot slot in slots)
            {
                var probe = new Pkcs11SlotProbe { SlotId = slot.SlotId, Index = ++index, Count = slots.Count };
                probing?.Invoke(probe);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    Pkcs11Token token = ReadSlot(slot, lib);
                    bool usable = token.TokenPresent && TryFill(token, slot) && token.TokenInitialized;
                    if (usable) tokens.Add(token);
                    else if (includeEmptySlots) tokens.Add(WithSlotUri(token));
                }
                catch (Pkcs11ModuleException ex) when (ex.Kind == Pkcs11FailureKind.CallFailed)
                {
                    var failure = SlotFailure(slot.SlotId, ex);
                    if (slotFailed == null) throw failure;
                    slotFailed(failure);
                }
                probe.Elapsed = clock.Elapsed;
                probing?.Invoke(probe);
            }
            return tokens;
        }

        /// <summary>
        /// An uninitialised token's or empty slot's token attributes (blank, or shared by every spare token of the module)
        /// match other tokens too; its slot-id (RFC 7512, as p11-kit reads it) makes the URI name this slot alone.
        /// </summary>
        private static Pkcs11Token WithSlotUri(Pkcs11Token token)
        {
            token.Uri = token.Uri == null
                ? Pkcs11UriText.ForSlot(token.SlotDescription, token.SlotManufacturer, token.SlotId)
                : Pkcs11UriText.ForSlot(null, null, token.SlotId) + ";" + token.Uri.Substring(Pkcs11UriText.Scheme.Length);
            token.Uri = token.Uri.TrimEnd(';');
            return token;
        }

        private Pkcs11Token ReadSlot(ISlot slot, Pkcs11LibraryInfo lib)
        {
            ISlotInfo si = Call(_ => slot.GetSlotInfo());
            return new Pkcs11Token
            {
                Module = Name,
                ModulePath = Path,
                LibraryDescription = lib.LibraryDescription,
                LibraryManufacturer = lib.LibraryManufacturer,
                LibraryVersion = lib.LibraryVersion,
                SlotId = si.SlotId,
                SlotDescription = si.SlotDescription,
                SlotManufacturer = si.ManufacturerId,
                HardwareSlot = si.SlotFlags.HardwareSlot,
                RemovableDevice = si.SlotFlags.RemovableDevice,
                HardwareVersion = Version(si.HardwareVersion),
                FirmwareVersion = Version(si.FirmwareVersion),
                TokenPresent = si.SlotFlags.TokenPresent,
            };
        }

        /// <summary>
        /// The mechanisms of the token in <paramref name="token"/>'s slot. A token that cannot list them throws a
        /// failure naming its slot; one mechanism whose C_GetMechanismInfo fails goes to <paramref name="mechanismFailed"/>
        /// (or throws without it) and the others still list.
        /// </summary>
        public List<Pkcs11Mechanism> GetMechanisms(Pkcs11Token token, Action<Pkcs11ModuleException> mechanismFailed = null)
        {
            ISlot slot = FindSlot(token.SlotId);
            List<CKM> list;
            try
            {
                list = Call(_ => slot.GetMechanismList());
            }
            catch (Pkcs11ModuleException ex) when (ex.Kind == Pkcs11FailureKind.CallFailed)
            {
                throw SlotFailure(token.SlotId, ex);
            }
            var mechanisms = new List<Pkcs11Mechanism>(list.Count);
            foreach (CKM type in list)
            {
                IMechanismInfo mi;
                try
                {
                    mi = Call(_ => slot.GetMechanismInfo(type));
                }
                catch (Pkcs11ModuleException ex) when (ex.Kind == Pkcs11FailureKind.CallFailed)
                {
                    var failure = SlotFailure(token.SlotId, ex, $"{Pkcs11Names.Mechanism((ulong)type)}: ");
                    if (mechanismFailed == null) throw failure;
                    mechanismFailed(failure);
                    continue;
                }
                mechanisms.Add(new Pkcs11Mechanism
                {
                    Name = Pkcs11Names.Mechanism((ulong)type),
                    Type = (ulong)type,
                    MinKeySize = mi.MinKeySize,
                    MaxKeySize = mi.MaxKeySize,
                    Flags = (Pkcs11MechanismFlags)mi.MechanismFlags.Flags,
                    Token = token.Label,
                    TokenUri = token.Uri,
                    Module = token.Module,
                    SlotId = token.SlotId,
                });
            }
            return mechanisms;
        }

        internal ISlot FindSlot(ulong slotId)
        {
            foreach (ISlot slot in Call(l => l.GetSlotList(SlotsType.WithOrWithoutTokenPresent)))
            {
                if (slot.SlotId == slotId) return slot;
            }
            throw Failure(Pkcs11FailureKind.CallFailed, "the slot no longer exists (CKR_SLOT_ID_INVALID)", null,
                (ulong)CKR.CKR_SLOT_ID_INVALID, slotId);
        }

        /// <summary>A write refused before any call, for a reason the token reported (e.g. CKF_WRITE_PROTECTED): <paramref name="rv"/> is the code the module would answer.</summary>
        internal Pkcs11ModuleException Refusal(ulong slotId, string reason, CKR rv) =>
            Failure(Pkcs11FailureKind.CallFailed, reason, null, (ulong)rv, slotId);

        /// <summary>A provisioning step failed after an earlier one changed the token: <paramref name="reason"/> says what was done.</summary>
        internal Pkcs11ModuleException Partial(ulong slotId, string reason, Pkcs11ModuleException inner) =>
            Failure(Pkcs11FailureKind.CallFailed, reason, inner, inner.ReturnValue, slotId);

        private Pkcs11ModuleException SlotFailure(ulong slotId, Pkcs11ModuleException ex, string prefix = "") =>
            ex.SlotId.HasValue ? ex : Failure(ex.Kind, prefix + ex.Reason, ex.InnerException, ex.ReturnValue, slotId);

        /// <summary>
        /// A card the module cannot use (unrecognised, or pulled between the calls) is the slot's state, not a
        /// failure: the slot is kept with TokenError, and shown only with the empty slots.
        /// </summary>
        private bool TryFill(Pkcs11Token token, ISlot slot)
        {
            try
            {
                Fill(token, Call(_ => slot.GetTokenInfo()));
                return true;
            }
            catch (Pkcs11ModuleException ex) when (ex.ReturnValue == (ulong)CKR.CKR_TOKEN_NOT_RECOGNIZED
                || ex.ReturnValue == (ulong)CKR.CKR_TOKEN_NOT_PRESENT || ex.ReturnValue == (ulong)CKR.CKR_DEVICE_REMOVED)
            {
                token.TokenError = ex.ReturnValueName;
                token.TokenPresent = ex.ReturnValue == (ulong)CKR.CKR_TOKEN_NOT_RECOGNIZED;
                return false;
            }
        }

        private static void Fill(Pkcs11Token token, ITokenInfo ti)
        {
            token.Label = ti.Label;
            token.Manufacturer = ti.ManufacturerId;
            token.Model = ti.Model;
            token.SerialNumber = ti.SerialNumber;
            token.Flags = (Pkcs11TokenFlags)ti.TokenFlags.Flags;
            token.HardwareVersion = Version(ti.HardwareVersion);
            token.FirmwareVersion = Version(ti.FirmwareVersion);
            token.MinPinLength = Available(ti.MinPinLen);
            token.MaxPinLength = Available(ti.MaxPinLen);
            token.TotalPublicMemory = Available(ti.TotalPublicMemory);
            token.FreePublicMemory = Available(ti.FreePublicMemory);
            token.TotalPrivateMemory = Available(ti.TotalPrivateMemory);
            token.FreePrivateMemory = Available(ti.FreePrivateMemory);
            token.Uri = Pkcs11UriText.ForToken(token.Label, token.Manufacturer, token.Model, token.SerialNumber);
        }

        /// <summary>CK_UNAVAILABLE_INFORMATION is ~0 in the native CK_ULONG: 32 bits on Windows and 32-bit Unix.</summary>
        private static readonly ulong Unavailable = Platform.NativeULongSize == 4 ? uint.MaxValue : ulong.MaxValue;

        private static ulong? Available(ulong value) => value == Unavailable ? (ulong?)null : value;

        /// <summary>"2.06" and "2.6" alike become "2.6", as p11-kit and pkcs11-tool print CK_VERSION.</summary>
        internal static string Version(string version)
        {
            if (string.IsNullOrEmpty(version)) return version;
            string[] parts = version.Split('.');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor))
                return major.ToString(CultureInfo.InvariantCulture) + "." + minor.ToString(CultureInfo.InvariantCulture);
            return version;
        }

        /// <summary>One native call, for the other PKCS#11 services of the core (objects, sessions).</summary>
        internal T Call<T>(Func<T> call) => Call(_ => call());

        /// <summary>
        /// Logs the user in to the token in <paramref name="slotId"/> with <paramref name="login"/>, or shares the login
        /// another user of this library in the process made (see SharedTokenLogins). False when the token was logged in by
        /// someone else: then the caller must not log out.
        /// </summary>
        internal bool LogIn(ulong slotId, Func<bool> login) => Shared().Logins.Enter(slotId, login);

        /// <summary>
        /// Ends a session that must end even when the caller stopped waiting: our share of the login first (the last user
        /// logs out), then C_CloseSession, each under the same call lock as every other call. After cancellation the module
        /// may still be inside the abandoned call, so the session ends in the background once the lock lets it. Failures
        /// are dropped: what was read stays read, and nothing is left to tell.
        /// </summary>
        internal void EndSession(ISession session, ulong slotId, bool loggedIn, bool securityOfficerLoggedIn = false)
        {
            Pkcs11LibraryHandle shared = handle;
            if (shared == null) return;
            shared.AddRef();
            void End()
            {
                try
                {
                    if (loggedIn) shared.Logins.Leave(slotId, () => Quietly(shared, session.Logout));
                    // The SO login is never shared (PKCS#11 allows no other login beside it): it ends with its one command.
                    if (securityOfficerLoggedIn) Quietly(shared, session.Logout);
                    Quietly(shared, session.Dispose);
                }
                finally
                {
                    shared.Release();
                }
            }
            if (cancellation.IsCancellationRequested) Task.Run(End);
            else End();
        }

        private static void Quietly(Pkcs11LibraryHandle shared, Action call)
        {
            try
            {
                shared.Invoke(_ =>
                {
                    call();
                    return true;
                });
            }
            catch (Pkcs11Exception)
            {
            }
        }

        private Pkcs11LibraryHandle Shared() =>
            handle ?? throw new ObjectDisposedException(nameof(Pkcs11Library), $"The PKCS#11 module {UntrustedText.Quote(Name)} was released.");

        /// <summary>
        /// One native call. It holds its own reference to the library, so a caller that stops waiting (cancelled)
        /// and disposes its reference never finalizes the library under the call.
        /// </summary>
        private T Call<T>(Func<IPkcs11Library, T> call)
        {
            Pkcs11LibraryHandle shared = Shared();
            shared.AddRef();
            if (!cancellation.CanBeCanceled) return Guarded(shared, call);
            cancellation.ThrowIfCancellationRequested();
            var task = Task.Run(() => Guarded(shared, call));
            Wait(task, cancellation);
            return task.Result;
        }

        private T Guarded<T>(Pkcs11LibraryHandle shared, Func<IPkcs11Library, T> call)
        {
            try
            {
                return shared.Invoke(call);
            }
            catch (Pkcs11Exception ex)
            {
                throw CallFailure(ex);
            }
            finally
            {
                shared.Release();
            }
        }

        internal Pkcs11ModuleException CallFailure(Pkcs11Exception ex)
        {
            ulong rv = (ulong)ex.RV;
            string name = Pkcs11Names.ReturnValue(rv);
            return Failure(Pkcs11FailureKind.CallFailed, $"{ex.Method} returned {name}", ex, rv);
        }

        private Pkcs11ModuleException Failure(Pkcs11FailureKind kind, string reason, Exception inner, ulong? rv = null, ulong? slotId = null) =>
            new Pkcs11ModuleException(kind, Name, Path, ConfigFile, reason, rv, rv.HasValue ? Pkcs11Names.ReturnValue(rv.Value) : null, inner, slotId);

        /// <summary>Gives up this reference; the last one finalizes and unloads the library, once no call is inside it.</summary>
        public void Dispose() => Interlocked.Exchange(ref handle, null)?.Release();
    }
}
