namespace SmartCardPS.P11Kit
{
    /// <summary>Why a p11-kit module registration or removal was refused or failed; the name is the error id's reason.</summary>
    public enum Pkcs11RegistrationFailure
    {
        /// <summary>A config, under any name and in any location, already registers the library.</summary>
        AlreadyRegistered,
        /// <summary>The target config file exists and registers something else.</summary>
        FileExists,
        /// <summary>The library, or the config file to remove, does not exist.</summary>
        NotFound,
        /// <summary>The library is not a working PKCS#11 module (not loadable, no C_GetFunctionList, C_GetInfo failed).</summary>
        NotPkcs11,
        /// <summary>The library, or the library a config registers, is not OpenSC's.</summary>
        NotOpenSc,
        /// <summary>A module name p11-kit would not read, or one that would leave the config directory.</summary>
        InvalidName,
        /// <summary>A config path p11-kit would not read (not name.module), or one that leaves its directory.</summary>
        InvalidPath,
        /// <summary>The file system refused the write or removal for lack of permission.</summary>
        PermissionDenied,
        /// <summary>Any other I/O failure; nothing was left half-written.</summary>
        WriteFailed,
        /// <summary>A value that p11-kit would not read back as written (a control character, a blank it trims, a list separator).</summary>
        InvalidValue,
        /// <summary>Running as root, the library is one a user other than root can change, so it is not loaded.</summary>
        UntrustedLibrary,
        /// <summary>-Scope User as root: p11-kit reads no user configs for root, whatever HOME says.</summary>
        UserScopeAsRoot,
        /// <summary>Registering in the user config directory where p11-kit reads no user configs (P11_KIT_NO_USER_CONFIG, user-config: none in a pkcs11.conf).</summary>
        UserScopeNotRead,
        /// <summary>This platform has no p11-kit registry to write to (Windows).</summary>
        NotSupported,
    }
}
