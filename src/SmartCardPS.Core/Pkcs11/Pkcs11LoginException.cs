using System;
using System.Globalization;
using Net.Pkcs11Interop.Common;
using SmartCardPS.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// C_Login (or C_SetPIN, C_InitToken, which check a PIN too) refused the user's or the security officer's PIN
    /// (CKR_PIN_INCORRECT, CKR_PIN_LOCKED, ...). Carries the token's PIN counter flags as read right after the refusal,
    /// so a caller can tell the user how close the card is to locking. Never retried.
    /// </summary>
    [Serializable]
    public sealed class Pkcs11LoginException : Pkcs11ModuleException
    {
        internal Pkcs11LoginException(Pkcs11Library library, Pkcs11Token token, ulong returnValue, Pkcs11TokenFlags? flagsAfter, Exception inner,
            bool securityOfficer = false, string method = "C_Login")
            : base(Describe(token, returnValue, flagsAfter, securityOfficer), Pkcs11FailureKind.CallFailed, library.Name, library.Path, library.ConfigFile,
                method + " returned " + Pkcs11Names.ReturnValue(returnValue), returnValue, Pkcs11Names.ReturnValue(returnValue), inner)
        {
            TokenLabel = token.Label;
            TokenUri = token.Uri;
            TokenFlags = flagsAfter ?? token.Flags;
            SecurityOfficer = securityOfficer;
        }

        private Pkcs11LoginException(System.Runtime.Serialization.SerializationInfo info, System.Runtime.Serialization.StreamingContext context)
            : base(info, context) { }

        public string TokenLabel { get; }
        public string TokenUri { get; }

        /// <summary>The token's flags read after the failed login (CKF_USER_PIN_COUNT_LOW, _FINAL_TRY, _LOCKED).</summary>
        public Pkcs11TokenFlags TokenFlags { get; }

        /// <summary>Whether the refused PIN was the security officer's (SO PIN), not the user's; the counter flags below are then the SO's.</summary>
        public bool SecurityOfficer { get; }

        public bool PinCountLow => TokenFlags.HasFlag(SecurityOfficer ? Pkcs11TokenFlags.SoPinCountLow : Pkcs11TokenFlags.UserPinCountLow);
        public bool PinFinalTry => TokenFlags.HasFlag(SecurityOfficer ? Pkcs11TokenFlags.SoPinFinalTry : Pkcs11TokenFlags.UserPinFinalTry);
        public bool PinLocked => TokenFlags.HasFlag(SecurityOfficer ? Pkcs11TokenFlags.SoPinLocked : Pkcs11TokenFlags.UserPinLocked);

        /// <summary>How the token refused the PIN, from the code it returned.</summary>
        public Pkcs11PinFailure Failure
        {
            get
            {
                switch ((CKR)(uint)ReturnValue.GetValueOrDefault())
                {
                    case CKR.CKR_PIN_INCORRECT: return Pkcs11PinFailure.PinIncorrect;
                    case CKR.CKR_PIN_LOCKED: return Pkcs11PinFailure.PinLocked;
                    case CKR.CKR_PIN_EXPIRED: return Pkcs11PinFailure.PinExpired;
                    case CKR.CKR_FUNCTION_CANCELED: return Pkcs11PinFailure.PinEntryCancelled;
                    default: return Pkcs11PinFailure.PinInvalid;
                }
            }
        }

        /// <summary>Whether C_Login returned one of the codes this exception stands for.</summary>
        internal static bool IsPinFailure(CKR rv) =>
            rv == CKR.CKR_PIN_INCORRECT || rv == CKR.CKR_PIN_LOCKED || rv == CKR.CKR_PIN_INVALID || rv == CKR.CKR_PIN_LEN_RANGE
            || rv == CKR.CKR_PIN_EXPIRED || rv == CKR.CKR_FUNCTION_CANCELED;

        private static string Describe(Pkcs11Token token, ulong rv, Pkcs11TokenFlags? flagsAfter, bool securityOfficer)
        {
            string name = Pkcs11Names.ReturnValue(rv);
            string label = UntrustedText.Quote(token.Label);
            Pkcs11TokenFlags flags = flagsAfter ?? token.Flags;
            switch ((CKR)(uint)rv)
            {
                case CKR.CKR_PIN_INCORRECT:
                    return securityOfficer
                        ? $"The SO PIN for token {label} is incorrect ({name}); it was not retried." + SoCounter(flags)
                        : $"The PIN for token {label} is incorrect ({name}); it was not retried." + Counter(flags);
                case CKR.CKR_PIN_LOCKED:
                    return securityOfficer
                        ? $"The SO PIN of token {label} is locked ({name}): only the card vendor's tools (or re-initialising, where the token allows it) can recover it."
                        : $"The user PIN of token {label} is locked ({name}): unblock it with the SO PIN, e.g. Reset-Pkcs11Pin or pkcs11-tool --init-pin --login --login-type so.";
                case CKR.CKR_PIN_INVALID:
                case CKR.CKR_PIN_LEN_RANGE:
                    string range = token.MinPinLength.HasValue && token.MaxPinLength.HasValue
                        ? string.Format(CultureInfo.InvariantCulture, " (it takes {0} to {1} characters)", token.MinPinLength, token.MaxPinLength) : string.Empty;
                    return $"The token {label} does not accept that PIN{range} ({name}); it was not retried.";
                case CKR.CKR_PIN_EXPIRED:
                    return $"The PIN of token {label} has expired ({name}): change it first, e.g. pkcs11-tool --change-pin.";
                default:
                    return $"PIN entry for token {label} was cancelled ({name}).";
            }
        }

        private static string Counter(Pkcs11TokenFlags flags)
        {
            if (flags.HasFlag(Pkcs11TokenFlags.UserPinLocked))
                return " The user PIN is now locked (CKF_USER_PIN_LOCKED): unblock it with the SO PIN.";
            if (flags.HasFlag(Pkcs11TokenFlags.UserPinFinalTry))
                return " One more wrong PIN locks it (CKF_USER_PIN_FINAL_TRY).";
            if (flags.HasFlag(Pkcs11TokenFlags.UserPinCountLow))
                return " The token reports that few tries are left (CKF_USER_PIN_COUNT_LOW).";
            return string.Empty;
        }

        private static string SoCounter(Pkcs11TokenFlags flags)
        {
            if (flags.HasFlag(Pkcs11TokenFlags.SoPinLocked))
                return " The SO PIN is now locked (CKF_SO_PIN_LOCKED).";
            if (flags.HasFlag(Pkcs11TokenFlags.SoPinFinalTry))
                return " One more wrong SO PIN locks it (CKF_SO_PIN_FINAL_TRY).";
            if (flags.HasFlag(Pkcs11TokenFlags.SoPinCountLow))
                return " The token reports that few SO PIN tries are left (CKF_SO_PIN_COUNT_LOW).";
            return string.Empty;
        }
    }
}
