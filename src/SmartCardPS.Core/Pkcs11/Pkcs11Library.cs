using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// One loaded and initialized PKCS#11 library. Every failure surfaces as a Pkcs11ModuleException that
    /// names the module; Dispose finalizes (C_Finalize) and unloads it.
    /// </summary>
    public sealed class Pkcs11Library : IDisposable
    {
        private static readonly Pkcs11InteropFactories Factories = new Pkcs11InteropFactories();
        private IPkcs11Library library;
        private Pkcs11Module info;

        private Pkcs11Library(string name, string path, string configFile)
        {
            Name = name;
            Path = path;
            ConfigFile = configFile;
        }

        public string Name { get; }
        public string Path { get; }
        public string ConfigFile { get; }

        /// <summary>Loads and initializes the library (multi-threaded, OS locking).</summary>
        public static Pkcs11Library Load(string path, string name = null, string configFile = null)
        {
            NativeLoader.EnsureHooked();
            var lib = new Pkcs11Library(name ?? System.IO.Path.GetFileName(path), path, configFile);
            if (string.IsNullOrEmpty(path))
                throw lib.Failure(Pkcs11FailureKind.NotFound, "its config sets no library (module: is blank or missing)", null);
            if (!File.Exists(path))
                throw lib.Failure(Pkcs11FailureKind.NotFound, "the library file does not exist", null);
            try
            {
                lib.library = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, path, AppType.MultiThreaded);
            }
            catch (UnmanagedException ex)
            {
                bool noEntryPoint = ex.Message.IndexOf("C_GetFunctionList", StringComparison.Ordinal) >= 0;
                string reason = noEntryPoint
                    ? "it has no C_GetFunctionList, so it is not a PKCS#11 module"
                    : "the loader refused it: " + (NativeLoader.LoaderMessage(path) ?? ex.Message);
                throw lib.Failure(noEntryPoint ? Pkcs11FailureKind.NotPkcs11 : Pkcs11FailureKind.NotLoadable, reason, ex);
            }
            catch (Pkcs11Exception ex)
            {
                throw lib.CallFailure(ex);
            }
            return lib;
        }

        /// <summary>C_GetInfo, copied onto <paramref name="module"/> (a new one when null).</summary>
        public Pkcs11Module GetInfo(Pkcs11Module module = null)
        {
            module = module ?? new Pkcs11Module { Name = Name, Path = Path, ConfigFile = ConfigFile };
            if (info == null)
            {
                ILibraryInfo li = Call(() => library.GetInfo());
                info = new Pkcs11Module
                {
                    LibraryDescription = li.LibraryDescription,
                    LibraryManufacturer = li.ManufacturerId,
                    LibraryVersion = Version(li.LibraryVersion),
                    CryptokiVersion = Version(li.CryptokiVersion),
                };
            }
            module.CopyLibraryInfo(info);
            return module;
        }

        /// <summary>Every token, in slot order; with <paramref name="includeEmptySlots"/> also the slots without one.</summary>
        public List<Pkcs11Token> GetTokens(bool includeEmptySlots)
        {
            Pkcs11Module lib = GetInfo();
            var slots = Call(() => library.GetSlotList(includeEmptySlots ? SlotsType.WithOrWithoutTokenPresent : SlotsType.WithTokenPresent));
            var tokens = new List<Pkcs11Token>(slots.Count);
            foreach (ISlot slot in slots)
            {
                ISlotInfo si = Call(() => slot.GetSlotInfo());
                var token = new Pkcs11Token
                {
                    Module = Name,
                    ModulePath = Path,
                    LibraryDescription = lib.LibraryDescription,
                    LibraryManufacturer = lib.LibraryManufacturer,
                    SlotId = si.SlotId,
                    SlotDescription = si.SlotDescription,
                    SlotManufacturer = si.ManufacturerId,
                    HardwareSlot = si.SlotFlags.HardwareSlot,
                    RemovableDevice = si.SlotFlags.RemovableDevice,
                    HardwareVersion = Version(si.HardwareVersion),
                    FirmwareVersion = Version(si.FirmwareVersion),
                    TokenPresent = si.SlotFlags.TokenPresent,
                };
                bool usable = token.TokenPresent && TryFill(token, slot);
                if (usable || includeEmptySlots) tokens.Add(token);
            }
            return tokens;
        }

        /// <summary>The mechanisms of the token in <paramref name="token"/>'s slot.</summary>
        public List<Pkcs11Mechanism> GetMechanisms(Pkcs11Token token)
        {
            ISlot slot = FindSlot(token.SlotId);
            var list = Call(() => slot.GetMechanismList());
            var mechanisms = new List<Pkcs11Mechanism>(list.Count);
            foreach (CKM type in list)
            {
                IMechanismInfo mi = Call(() => slot.GetMechanismInfo(type));
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
            foreach (ISlot slot in Call(() => library.GetSlotList(SlotsType.WithOrWithoutTokenPresent)))
            {
                if (slot.SlotId == slotId) return slot;
            }
            throw Failure(Pkcs11FailureKind.CallFailed, $"slot {slotId} no longer exists (CKR_SLOT_ID_INVALID)", null,
                (ulong)CKR.CKR_SLOT_ID_INVALID);
        }

        /// <summary>
        /// A card the module cannot use (unrecognised, or pulled between the calls) is the slot's problem, not
        /// the module's: the slot is kept with TokenError, and shown only with the empty slots.
        /// </summary>
        private bool TryFill(Pkcs11Token token, ISlot slot)
        {
            try
            {
                Fill(token, slot.GetTokenInfo());
                return true;
            }
            catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_TOKEN_NOT_RECOGNIZED || ex.RV == CKR.CKR_TOKEN_NOT_PRESENT || ex.RV == CKR.CKR_DEVICE_REMOVED)
            {
                token.TokenError = Pkcs11Names.ReturnValue((ulong)ex.RV);
                token.TokenPresent = ex.RV == CKR.CKR_TOKEN_NOT_RECOGNIZED;
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
            token.Uri = Pkcs11Uri.ForToken(token.Label, token.Manufacturer, token.Model, token.SerialNumber);
        }

        /// <summary>CK_UNAVAILABLE_INFORMATION is ~0 in the native CK_ULONG: 32 bits on Windows and 32-bit Unix.</summary>
        private static readonly ulong Unavailable =
            System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows) || IntPtr.Size == 4
                ? uint.MaxValue : ulong.MaxValue;

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

        internal T Call<T>(Func<T> call)
        {
            try
            {
                return call();
            }
            catch (Pkcs11Exception ex)
            {
                throw CallFailure(ex);
            }
        }

        internal Pkcs11ModuleException CallFailure(Pkcs11Exception ex)
        {
            ulong rv = (ulong)ex.RV;
            string name = Pkcs11Names.ReturnValue(rv);
            return Failure(Pkcs11FailureKind.CallFailed, $"{ex.Method} returned {name}", ex, rv);
        }

        private Pkcs11ModuleException Failure(Pkcs11FailureKind kind, string reason, Exception inner, ulong? rv = null) =>
            new Pkcs11ModuleException(kind, Name, Path, ConfigFile, reason, rv, rv.HasValue ? Pkcs11Names.ReturnValue(rv.Value) : null, inner);

        public void Dispose()
        {
            IPkcs11Library lib = library;
            library = null;
            lib?.Dispose();
        }
    }
}
