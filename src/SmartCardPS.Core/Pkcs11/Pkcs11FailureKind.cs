namespace SmartCardPS.Pkcs11
{
    /// <summary>Why a PKCS#11 module could not be used.</summary>
    public enum Pkcs11FailureKind
    {
        /// <summary>The library file does not exist.</summary>
        NotFound,
        /// <summary>The loader refused the file (not a shared library, wrong architecture, missing dependency).</summary>
        NotLoadable,
        /// <summary>A shared library without C_GetFunctionList: not a PKCS#11 module.</summary>
        NotPkcs11,
        /// <summary>A PKCS#11 call returned a CKR_ code other than CKR_OK.</summary>
        CallFailed,
        /// <summary>Running as root, the library is one a user other than root can change (the file or a directory above it), so it is not loaded.</summary>
        Untrusted,
    }
}
