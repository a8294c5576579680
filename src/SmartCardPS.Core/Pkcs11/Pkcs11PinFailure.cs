namespace SmartCardPS.Pkcs11
{
    /// <summary>How a token refused a PIN (<see cref="Pkcs11LoginException.Failure"/>); a cmdlet's error id ends in
    /// its name.</summary>
    public enum Pkcs11PinFailure
    {
        /// <summary>CKR_PIN_INCORRECT.</summary>
        PinIncorrect,

        /// <summary>CKR_PIN_LOCKED.</summary>
        PinLocked,

        /// <summary>CKR_PIN_EXPIRED.</summary>
        PinExpired,

        /// <summary>CKR_FUNCTION_CANCELED: the PIN pad's entry was cancelled.</summary>
        PinEntryCancelled,

        /// <summary>CKR_PIN_INVALID or CKR_PIN_LEN_RANGE: the token does not take such a PIN.</summary>
        PinInvalid,
    }
}
