namespace SmartCardPS.Os
{
    /// <summary>Why a write or read was refused to keep root from acting on a file another user controls.</summary>
    public enum UnsafePathReason
    {
        /// <summary>The file or a directory on its path is a symbolic link that another user could have placed or can change.</summary>
        SymbolicLink,

        /// <summary>The target is a FIFO, device, socket or directory, not a regular file.</summary>
        NotRegularFile,

        /// <summary>Running as root, the directory (or one above it) can be written by another user; -Force writes safely anyway.</summary>
        UntrustedDirectory,

        /// <summary>The target has more than one hard link in a directory another user can write.</summary>
        HardLink,

        /// <summary>The existing file has no write permission for its owner; -Force replaces it.</summary>
        ReadOnly,

        /// <summary>Another writer holds the file's lock longer than a write may wait.</summary>
        Locked,

        /// <summary>The file is larger than a configuration file can be.</summary>
        TooLarge,
    }
}
