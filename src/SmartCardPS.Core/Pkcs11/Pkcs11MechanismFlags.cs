using System;

namespace SmartCardPS.Pkcs11
{
    /// <summary>CK_MECHANISM_INFO flags (CKF_*), by readable name.</summary>
    [Flags]
    public enum Pkcs11MechanismFlags : ulong
    {
        None = 0,
        Hardware = 0x1,
        MessageEncrypt = 0x2,
        MessageDecrypt = 0x4,
        MessageSign = 0x8,
        MessageVerify = 0x10,
        MultiMessage = 0x20,
        FindObjects = 0x40,
        Encrypt = 0x100,
        Decrypt = 0x200,
        Digest = 0x400,
        Sign = 0x800,
        SignRecover = 0x1000,
        Verify = 0x2000,
        VerifyRecover = 0x4000,
        Generate = 0x8000,
        GenerateKeyPair = 0x10000,
        Wrap = 0x20000,
        Unwrap = 0x40000,
        Derive = 0x80000,
        EcFp = 0x100000,
        EcF2m = 0x200000,
        EcParameters = 0x400000,
        EcNamedCurve = 0x800000,
        EcUncompress = 0x1000000,
        EcCompress = 0x2000000,
        EcCurveName = 0x4000000,
        Extension = 0x80000000,
    }
}
