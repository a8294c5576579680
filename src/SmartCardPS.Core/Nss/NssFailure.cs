namespace SmartCardPS.Nss
{
    /// <summary>Why an NSS command cannot start (see <see cref="NssException"/>); the names are the error ids'
    /// reasons.</summary>
    public enum NssFailure
    {
        /// <summary>No database was named and there is no default (or only) Firefox profile.</summary>
        NoProfile,

        /// <summary>The PKCS#11 library to register is not installed, or not where it was named.</summary>
        NotFound,

        /// <summary>The library is not a shared library of this machine exporting C_GetFunctionList.</summary>
        NotPkcs11,
    }
}
