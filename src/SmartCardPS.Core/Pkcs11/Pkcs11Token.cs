namespace SmartCardPS.Pkcs11
{
    /// <summary>A token in a PKCS#11 slot, or (TokenPresent false) a slot without one.</summary>
    public sealed class Pkcs11Token
    {
        /// <summary>A token a user named by its label only (-Token 'Demo token'), still to be looked up.</summary>
        internal static Pkcs11Token ForLabel(string label) => new Pkcs11Token { Label = label, LabelOnly = true };

        internal bool LabelOnly { get; private set; }

        public string Label { get; set; }
        public string Manufacturer { get; set; }
        public string Model { get; set; }
        public string SerialNumber { get; set; }
        public Pkcs11TokenFlags Flags { get; set; }

        /// <summary>Whether the token is initialised (CKF_TOKEN_INITIALIZED); p11tool --list-tokens lists only these.</summary>
        public bool TokenInitialized => (Flags & Pkcs11TokenFlags.TokenInitialized) != 0;

        // The PIN states people ask for (p11tool and pkcs11-tool print them only as flag words), read from Flags.
        public bool UserPinInitialized => (Flags & Pkcs11TokenFlags.UserPinInitialized) != 0;
        public bool UserPinCountLow => (Flags & Pkcs11TokenFlags.UserPinCountLow) != 0;
        public bool UserPinFinalTry => (Flags & Pkcs11TokenFlags.UserPinFinalTry) != 0;
        public bool UserPinLocked => (Flags & Pkcs11TokenFlags.UserPinLocked) != 0;
        public bool UserPinToBeChanged => (Flags & Pkcs11TokenFlags.UserPinToBeChanged) != 0;
        public bool SoPinCountLow => (Flags & Pkcs11TokenFlags.SoPinCountLow) != 0;
        public bool SoPinFinalTry => (Flags & Pkcs11TokenFlags.SoPinFinalTry) != 0;
        public bool SoPinLocked => (Flags & Pkcs11TokenFlags.SoPinLocked) != 0;
        public bool SoPinToBeChanged => (Flags & Pkcs11TokenFlags.SoPinToBeChanged) != 0;

        /// <summary>The RFC 7512 URI, as p11tool prints it; for an uninitialised token or an empty slot one that names its slot-id.</summary>
        public string Uri { get; set; }

        /// <summary>Whether the slot reports a token (for a reader, a card in it).</summary>
        public bool TokenPresent { get; set; }

        /// <summary>Why the token in the slot cannot be read, e.g. CKR_TOKEN_NOT_RECOGNIZED for a card the module does not support; null otherwise.</summary>
        public string TokenError { get; set; }

        /// <summary>The registered module name, or the library's file name when it was given by path.</summary>
        public string Module { get; set; }
        public string ModulePath { get; set; }
        public string LibraryDescription { get; set; }
        public string LibraryManufacturer { get; set; }

        /// <summary>The library's version from C_GetInfo, as p11-kit prints it (e.g. "2.6"); matched by a URI's library-version.</summary>
        public string LibraryVersion { get; set; }

        public ulong SlotId { get; set; }
        public string SlotDescription { get; set; }
        public string SlotManufacturer { get; set; }
        public bool HardwareSlot { get; set; }
        public bool RemovableDevice { get; set; }

        public string HardwareVersion { get; set; }
        public string FirmwareVersion { get; set; }
        public ulong? MinPinLength { get; set; }
        public ulong? MaxPinLength { get; set; }

        /// <summary>Memory figures in bytes; null where the token does not report them (CK_UNAVAILABLE_INFORMATION).</summary>
        public ulong? TotalPublicMemory { get; set; }
        public ulong? FreePublicMemory { get; set; }
        public ulong? TotalPrivateMemory { get; set; }
        public ulong? FreePrivateMemory { get; set; }

        public override string ToString() => Label ?? SlotDescription;
    }
}
