namespace SmartCardPS.Pkcs11
{
    /// <summary>CKO_ object classes; the values are the native codes, so a vendor class still shows its number.</summary>
    public enum Pkcs11ObjectClass : ulong
    {
        Data = 0,
        Certificate = 1,
        PublicKey = 2,
        PrivateKey = 3,
        SecretKey = 4,
        HardwareFeature = 5,
        DomainParameters = 6,
        Mechanism = 7,
        OtpKey = 8,
    }
}
