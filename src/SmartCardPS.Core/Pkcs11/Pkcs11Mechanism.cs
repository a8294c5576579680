namespace SmartCardPS.Pkcs11
{
    /// <summary>One mechanism a token supports, as C_GetMechanismInfo reports it.</summary>
    public sealed class Pkcs11Mechanism
    {
        /// <summary>The CKM_ name, or the hex code for a mechanism with no standard name.</summary>
        public string Name { get; set; }

        /// <summary>The CK_MECHANISM_TYPE code.</summary>
        public ulong Type { get; set; }

        public ulong MinKeySize { get; set; }
        public ulong MaxKeySize { get; set; }
        public Pkcs11MechanismFlags Flags { get; set; }

        public string Token { get; set; }
        public string TokenUri { get; set; }
        public string Module { get; set; }
        public ulong SlotId { get; set; }

        public override string ToString() => Name;
    }
}
