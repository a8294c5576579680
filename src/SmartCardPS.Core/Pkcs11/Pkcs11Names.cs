using System;
using System.Collections.Generic;
using System.Globalization;
using Net.Pkcs11Interop.Common;

namespace SmartCardPS.Pkcs11
{
    /// <summary>The CKR_ and CKM_ names of PKCS#11 codes.</summary>
    public static class Pkcs11Names
    {
        // Where the standard gives one code two names, the one p11tool prints; and PKCS#11 3.0 mechanisms
        // that Pkcs11Interop 5.3 (a 2.40 binding) has no names for.
        private static readonly Dictionary<ulong, string> PreferredMechanismNames = new Dictionary<ulong, string>
        {
            [0x1040] = "CKM_ECDSA_KEY_PAIR_GEN",
            [0x1055] = "CKM_EC_EDWARDS_KEY_PAIR_GEN",
            [0x1056] = "CKM_EC_MONTGOMERY_KEY_PAIR_GEN",
            [0x1057] = "CKM_EDDSA",
            [0x4021] = "CKM_CHACHA20_POLY1305",
        };

        // CKK_EC and CKK_ECDSA share a code (as do others): the current name, without its CKK_ prefix.
        private static readonly Dictionary<ulong, string> KeyTypeNames = new Dictionary<ulong, string>
        {
            [0x0] = "RSA", [0x1] = "DSA", [0x2] = "DH", [0x3] = "EC", [0x10] = "GENERIC_SECRET", [0x13] = "DES", [0x15] = "DES3",
            [0x1F] = "AES", [0x40] = "EC_EDWARDS", [0x41] = "EC_MONTGOMERY",
        };

        /// <summary>The CKK_ name of a key type without its prefix: RSA, EC, AES, ...</summary>
        public static string KeyType(ulong code)
        {
            if (KeyTypeNames.TryGetValue(code, out string name)) return name;
            return code <= uint.MaxValue && Enum.IsDefined(typeof(CKK), (uint)code) ? ((CKK)(uint)code).ToString().Substring(4) : "0x" + code.ToString("X8", CultureInfo.InvariantCulture);
        }

        // Pkcs11Interop's CKR and CKM enums are 32-bit, as the standard's codes are.
        public static string ReturnValue(ulong code) =>
            code <= uint.MaxValue && Enum.IsDefined(typeof(CKR), (uint)code) ? ((CKR)(uint)code).ToString() : "CKR_0x" + code.ToString("X8", CultureInfo.InvariantCulture);

        public static string Mechanism(ulong code)
        {
            if (PreferredMechanismNames.TryGetValue(code, out string preferred)) return preferred;
            return code <= uint.MaxValue && Enum.IsDefined(typeof(CKM), (uint)code) ? ((CKM)(uint)code).ToString() : "CKM_0x" + code.ToString("X8", CultureInfo.InvariantCulture);
        }
    }
}
