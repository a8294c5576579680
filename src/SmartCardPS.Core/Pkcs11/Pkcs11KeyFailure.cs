namespace SmartCardPS.Pkcs11
{
    /// <summary>Why a key operation failed; cmdlets use the name as the reason of their error id.</summary>
    public enum Pkcs11KeyFailure
    {
        /// <summary>The token does not list the mechanism (or not with the flag the operation needs).</summary>
        MechanismNotSupported,

        /// <summary>The key size is outside the range the token gives for the mechanism (CKR_KEY_SIZE_RANGE).</summary>
        KeySizeOutOfRange,

        /// <summary>The token refused the curve (CKR_CURVE_NOT_SUPPORTED, CKR_DOMAIN_PARAMS_INVALID).</summary>
        CurveNotSupported,

        /// <summary>The token has no room for the new objects (CKR_DEVICE_MEMORY).</summary>
        TokenFull,

        /// <summary>The token is write-protected (CKF_WRITE_PROTECTED, CKR_TOKEN_WRITE_PROTECTED).</summary>
        ReadOnlyToken,

        /// <summary>No key matches what was asked for.</summary>
        KeyNotFound,

        /// <summary>More than one key matches where one is needed.</summary>
        AmbiguousKey,

        /// <summary>The key may not sign (no CKA_SIGN), or its type cannot sign here.</summary>
        NotASigningKey,

        /// <summary>Neither a public key object, a certificate nor the private key's attributes give the public key.</summary>
        NoPublicKey,

        /// <summary>Any other refusal by the module; the CKR_ code is in the exception.</summary>
        OperationFailed,
    }
}
