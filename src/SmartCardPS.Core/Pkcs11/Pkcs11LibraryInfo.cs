namespace SmartCardPS.Pkcs11
{
    /// <summary>What a PKCS#11 library says about itself in C_GetInfo (versions as p11-kit prints them, e.g. "2.6").</summary>
    public sealed class Pkcs11LibraryInfo
    {
        public string LibraryDescription { get; set; }
        public string LibraryManufacturer { get; set; }
        public string LibraryVersion { get; set; }
        public string CryptokiVersion { get; set; }
    }
}
