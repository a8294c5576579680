using System;

namespace SmartCardPS.Pkcs11
{
    /// <summary>The CK_BBOOL attributes of an object that are true, by readable name (CKA_TOKEN is Token, and so on).</summary>
    [Flags]
    public enum Pkcs11ObjectFlags : uint
    {
        None = 0,
        Token = 0x1,
        Private = 0x2,
        Modifiable = 0x4,
        Sensitive = 0x8,
        AlwaysSensitive = 0x10,
        Extractable = 0x20,
        NeverExtractable = 0x40,
        Local = 0x80,
        Encrypt = 0x100,
        Decrypt = 0x200,
        Sign = 0x400,
        SignRecover = 0x800,
        Verify = 0x1000,
        VerifyRecover = 0x2000,
        Wrap = 0x4000,
        Unwrap = 0x8000,
        Derive = 0x10000,
        AlwaysAuthenticate = 0x20000,
        Trusted = 0x40000,
        /// <summary>CKA_CERTIFICATE_CATEGORY is 2 (authority): a CA certificate.</summary>
        CertificateAuthority = 0x80000,
    }
}
