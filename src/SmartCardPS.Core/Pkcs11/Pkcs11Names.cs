using System;
using System.Collections.Generic;
using System.Globalization;
using Net.Pkcs11Interop.Common;

namespace SmartCardPS
{
    /// <summary>The CKR_ and CKM_ names of PKCS#11 codes.</summary>
    public static class Pkcs11Names
    {
        // Where the standard gives one code two names, the name p11tool and pkcs11-tool print.
        private static readonly Dictionary<ulong, string> PreferredMechanismNames = new Dictionary<ulong, string>
        {
            [0x1040] = "CKM_EC_KEY_PAIR_GEN",
            [0x0370] = "CKM_KEY_WRAP_LYNKS",
        };

        public static string ReturnValue(ulong code) =>
            Enum.IsDefined(typeof(CKR), code) ? ((CKR)code).ToString() : "CKR_0x" + code.ToString("X8", CultureInfo.InvariantCulture);

        public static string Mechanism(ulong code)
        {
            if (PreferredMechanismNames.TryGetValue(code, out string preferred)) return preferred;
            return Enum.IsDefined(typeof(CKM), code) ? ((CKM)code).ToString() : "CKM_0x" + code.ToString("X8", CultureInfo.InvariantCulture);
        }
    }
}
