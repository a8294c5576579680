using System;
using System.Collections.Generic;
using System.IO;
using SmartCardPS.Os;
using SmartCardPS.Usb;

namespace SmartCardPS.Setup
{
    /// <summary>This machine's platform and distribution family, and the exact commands that fix things on it.</summary>
    public sealed class SetupPlatform
    {
        // The same software under each family's package names.
        private static readonly Dictionary<string, Dictionary<PlatformFamily, string>> Packages = new Dictionary<string, Dictionary<PlatformFamily, string>>
        {
            ["pcscd"] = new Dictionary<PlatformFamily, string> { [PlatformFamily.Debian] = "pcscd", [PlatformFamily.Fedora] = "pcsc-lite", [PlatformFamily.Arch] = "pcsclite", [PlatformFamily.Suse] = "pcsc-lite" },
            ["ccid"] = new Dictionary<PlatformFamily, string> { [PlatformFamily.Debian] = "libccid", [PlatformFamily.Fedora] = "pcsc-lite-ccid", [PlatformFamily.Arch] = "ccid", [PlatformFamily.Suse] = "pcsc-ccid" },
            ["opensc"] = new Dictionary<PlatformFamily, string> { [PlatformFamily.Debian] = "opensc opensc-pkcs11", [PlatformFamily.Fedora] = "opensc", [PlatformFamily.Arch] = "opensc", [PlatformFamily.Suse] = "opensc", [PlatformFamily.MacOS] = "opensc" },
            ["pcsc-tools"] = new Dictionary<PlatformFamily, string> { [PlatformFamily.Debian] = "pcsc-tools", [PlatformFamily.Fedora] = "pcsc-tools", [PlatformFamily.Arch] = "pcsc-tools", [PlatformFamily.Suse] = "pcsc-tools", [PlatformFamily.MacOS] = "pcsc-tools" },
        };

        public SetupPlatform(PlatformFamily family, bool systemd)
        {
            Family = family;
            Systemd = systemd;
        }

        public PlatformFamily Family { get; }

        /// <summary>Whether systemd is the init system (/run/systemd/system exists), so units and systemctl apply.</summary>
        public bool Systemd { get; }

        public static SetupPlatform Detect(string root = "/")
        {
            if (RunningOs.IsWindows) return new SetupPlatform(PlatformFamily.Windows, false);
            if (RunningOs.IsMacOS) return new SetupPlatform(PlatformFamily.MacOS, false);
            bool systemd = Directory.Exists(CcidSupportedReaders.Rooted(root, "/run/systemd/system"));
            return new SetupPlatform(FamilyFromOsRelease(ReadOsRelease(CcidSupportedReaders.Rooted(root, "/etc/os-release"))), systemd);
        }

        /// <summary>The family from os-release's ID and ID_LIKE (Ubuntu is Debian, Rocky is Fedora, Manjaro is Arch).</summary>
        public static PlatformFamily FamilyFromOsRelease(IDictionary<string, string> osRelease)
        {
            var ids = new List<string>();
            foreach (string key in new[] { "ID", "ID_LIKE" })
            {
                if (osRelease.TryGetValue(key, out string v)) ids.AddRange(v.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries));
            }
            foreach (string id in ids)
            {
                switch (id)
                {
                    case "debian": case "ubuntu": return PlatformFamily.Debian;
                    case "fedora": case "rhel": case "centos": return PlatformFamily.Fedora;
                    case "arch": return PlatformFamily.Arch;
                    case "suse": case "opensuse": case "sles": return PlatformFamily.Suse;
                }
                if (id.StartsWith("opensuse", StringComparison.Ordinal)) return PlatformFamily.Suse;
            }
            return PlatformFamily.Unknown;
        }

        private static Dictionary<string, string> ReadOsRelease(string path)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!File.Exists(path)) return values;
            foreach (string line in File.ReadAllLines(path))
            {
                int eq = line.IndexOf('=');
                if (eq <= 0 || line.TrimStart().StartsWith("#", StringComparison.Ordinal)) continue;
                values[line.Substring(0, eq).Trim()] = line.Substring(eq + 1).Trim().Trim('"', '\'');
            }
            return values;
        }

        /// <summary>The install command for a piece of software (pcscd, ccid, opensc, pcsc-tools) with this family's package manager.</summary>
        public string Install(string software)
        {
            Packages.TryGetValue(software, out var names);
            string name = names != null && names.TryGetValue(Family, out string n) ? n : software;
            switch (Family)
            {
                case PlatformFamily.Debian: return "sudo apt-get install " + name;
                case PlatformFamily.Fedora: return "sudo dnf install " + name;
                case PlatformFamily.Arch: return "sudo pacman -S " + name;
                case PlatformFamily.Suse: return "sudo zypper install " + name;
                case PlatformFamily.MacOS: return software == "opensc" ? "brew install --cask opensc" : "brew install " + name;
                case PlatformFamily.Windows: return software == "opensc" ? "winget install OpenSC.OpenSC" : null;
                default: return $"install {software} with your package manager";
            }
        }

        /// <summary>The command that starts the PC/SC service now and at every boot.</summary>
        public string StartService()
        {
            switch (Family)
            {
                case PlatformFamily.Windows: return "Set-Service SCardSvr -StartupType Automatic; Start-Service SCardSvr";
                case PlatformFamily.MacOS: return "macOS starts its smart-card service on demand: unplug and plug in the reader";
            }
            return Systemd ? "sudo systemctl enable --now pcscd.socket" : "sudo service pcscd start (or run pcscd as root)";
        }

        /// <summary>The command that restarts the PC/SC service, so it looks for readers again.</summary>
        public string RestartService() =>
            Family == PlatformFamily.Windows ? "Restart-Service SCardSvr"
            : Family == PlatformFamily.MacOS ? StartService()
            : Systemd ? "sudo systemctl restart pcscd.service" : "sudo service pcscd restart";

        public override string ToString() => Systemd ? Family + " (systemd)" : Family.ToString();
    }
}
