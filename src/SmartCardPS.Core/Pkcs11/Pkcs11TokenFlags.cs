using System;

namespace SmartCardPS.Pkcs11
{
    /// <summary>CK_TOKEN_INFO flags (CKF_*), by readable name.</summary>
    [Flags]
    public enum Pkcs11TokenFlags : ulong
    {
        None = 0,
        RNG = 0x1,
        WriteProtected = 0x2,
        LoginRequired = 0x4,
        UserPinInitialized = 0x8,
        RestoreKeyNotNeeded = 0x20,
        ClockOnToken = 0x40,
        ProtectedAuthenticationPath = 0x100,
        DualCryptoOperations = 0x200,
        TokenInitialized = 0x400,
        SecondaryAuthentication = 0x800,
        UserPinCountLow = 0x10000,
        UserPinFinalTry = 0x20000,
        UserPinLocked = 0x40000,
        UserPinToBeChanged = 0x80000,
        SoPinCountLow = 0x100000,
        SoPinFinalTry = 0x200000,
        SoPinLocked = 0x400000,
        SoPinToBeChanged = 0x800000,
        ErrorState = 0x1000000,
    }
}
