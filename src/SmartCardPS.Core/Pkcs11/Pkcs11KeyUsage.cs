using System;

namespace SmartCardPS.Pkcs11
{
    /// <summary>What a generated key pair may do: each flag sets the private key's attribute and its public counterpart.</summary>
    [Flags]
    public enum Pkcs11KeyUsage
    {
        None = 0,

        /// <summary>CKA_SIGN on the private key, CKA_VERIFY on the public key.</summary>
        Sign = 1,

        /// <summary>CKA_DECRYPT on the private key, CKA_ENCRYPT on the public key.</summary>
        Decrypt = 2,

        /// <summary>CKA_DERIVE on both (ECDH).</summary>
        Derive = 4,

        /// <summary>CKA_UNWRAP on the private key, CKA_WRAP on the public key.</summary>
        Wrap = 8,
    }
}
