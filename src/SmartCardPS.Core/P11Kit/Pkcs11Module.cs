using System;
using System.Collections.Generic;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.P11Kit
{
    /// <summary>
    /// One PKCS#11 module: its p11-kit registration (merged from every config that names it) and, once the
    /// library has been asked, what C_GetInfo reports.
    /// </summary>
    public sealed class Pkcs11Module
    {
        public string Name { get; set; }

        /// <summary>The library's full path (a relative module: value resolved in p11-kit's module directory); null when the config disables it.</summary>
        public string Path { get; set; }

        /// <summary>The module: value as written in the config.</summary>
        public string ModuleSetting { get; set; }

        /// <summary>The config file that sets module:; the highest-precedence one when none does.</summary>
        public string ConfigFile { get; set; }

        /// <summary>Every config file that contributed settings, highest precedence first.</summary>
        public string[] ConfigFiles { get; set; } = Array.Empty<string>();

        public Pkcs11ModuleSource Source { get; set; }

        /// <summary>Whether p11-kit would load it in this program: a library is set and enable-in/disable-in allow it.</summary>
        public bool Enabled { get; set; }

        public int Priority { get; set; }
        public bool Critical { get; set; }
        public bool TrustPolicy { get; set; }
        public string[] EnableIn { get; set; } = Array.Empty<string>();
        public string[] DisableIn { get; set; } = Array.Empty<string>();

        /// <summary>Every merged setting, including unknown and x- fields, as written.</summary>
        public Dictionary<string, string> Settings { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>Why the module cannot be used (Get-Pkcs11Module -IncludeBroken); null for a module that works.</summary>
        public string LoadError { get; set; }

        /// <summary>
        /// What a failing module with critical: yes does beyond itself: p11-kit stops initializing, so every program
        /// using it sees no module at all. Null when the module is not critical.
        /// </summary>
        public string CriticalFailureNote => Critical
            ? "Its config says critical: yes, so p11-kit fails to initialize altogether while it fails: GnuTLS, p11tool and every other program using p11-kit's proxy see no PKCS#11 module at all, not even the working ones."
            : null;

        public string LibraryDescription { get; set; }
        public string LibraryManufacturer { get; set; }
        public string LibraryVersion { get; set; }
        public string CryptokiVersion { get; set; }

        /// <summary>Takes the C_GetInfo fields from <paramref name="other"/>.</summary>
        public void CopyLibraryInfo(Pkcs11LibraryInfo other)
        {
            LibraryDescription = other.LibraryDescription;
            LibraryManufacturer = other.LibraryManufacturer;
            LibraryVersion = other.LibraryVersion;
            CryptokiVersion = other.CryptokiVersion;
        }

        public override string ToString() => Name;
    }
}
