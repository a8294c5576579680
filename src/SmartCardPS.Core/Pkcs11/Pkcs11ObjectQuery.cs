using Pkcs11Uri = Net.Pkcs11Interop.Common.Pkcs11Uri;

namespace SmartCardPS.Pkcs11
{
    /// <summary>What to look for on a token (the C_FindObjects template), and whether to log in first.</summary>
    public sealed class Pkcs11ObjectQuery
    {
        /// <summary>Only objects of this class; null for every class.</summary>
        public Pkcs11ObjectClass? Class { get; set; }

        /// <summary>Only objects with exactly this CKA_LABEL; null for any.</summary>
        public string Label { get; set; }

        /// <summary>Only objects with exactly this CKA_ID; null for any.</summary>
        public byte[] Id { get; set; }

        /// <summary>Log in as the user before searching, so private objects are found too.</summary>
        public bool Login { get; set; }

        /// <summary>
        /// The user PIN as UTF-8 bytes, for Login. Null means the token's protected authentication path (a PIN pad).
        /// The reader never keeps it and the caller clears it.
        /// </summary>
        public byte[] Pin { get; set; }

        /// <summary>
        /// The objects a pkcs11: URI names: its object= (CKA_LABEL), id= (CKA_ID) and type= (the class), each left
        /// out when the URI has none; null for no URI.
        /// </summary>
        public static Pkcs11ObjectQuery From(Pkcs11Uri uri) =>
            uri == null ? null : new Pkcs11ObjectQuery { Label = uri.Object, Id = uri.Id, Class = Pkcs11UriText.ObjectClass(uri) };
    }
}
