namespace SmartCardPS.Nss
{
    /// <summary>One Firefox profile from a profiles.ini; its directory is also its NSS sql: database.</summary>
    public sealed class FirefoxProfile
    {
        /// <summary>The profile name (Name= in profiles.ini), as firefox -P lists it.</summary>
        public string Name { get; set; }

        /// <summary>The profile directory, which holds pkcs11.txt, cert9.db and key4.db.</summary>
        public string Path { get; set; }

        /// <summary>The profile Firefox opens by default: an [Install…] section's Default=, else Default=1.</summary>
        public bool IsDefault { get; set; }

        /// <summary>A Firefox holds the profile's lock (.parentlock on Linux and macOS, parent.lock on Windows).</summary>
        public bool IsRunning { get; set; }

        /// <summary>The process holding the lock, when the platform tells (Linux, macOS); otherwise 0.</summary>
        public int ProcessId { get; set; }

        public FirefoxFlavor Flavor { get; set; }

        /// <summary>The directory of the profiles.ini that lists the profile.</summary>
        public string Root { get; set; }

        public override string ToString() => Name;
    }
}
