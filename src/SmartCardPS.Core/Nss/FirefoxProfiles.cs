using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.Nss
{
    /// <summary>Finds Firefox profiles: the platform's profile roots and each root's profiles.ini.</summary>
    public static class FirefoxProfiles
    {
        /// <summary>
        /// The profile roots of the current user that exist, with the flavor of Firefox that uses each. On
        /// Linux ~/.mozilla/firefox when it exists (Firefox keeps using it), else $XDG_CONFIG_HOME/mozilla/firefox
        /// (Firefox 147+), then the Snap and Flatpak roots.
        /// </summary>
        public static IEnumerable<KeyValuePair<string, FirefoxFlavor?>> DefaultRoots()
        {
            string home = Home();
            var roots = new List<KeyValuePair<string, FirefoxFlavor?>>();
            if (RunningOs.IsWindows)
            {
                roots.Add(Root(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "Mozilla", "Firefox"), null));
            }
            else if (RunningOs.IsMacOS)
            {
                roots.Add(Root(Path.Combine(home, "Library", "Application Support", "Firefox"), null));
            }
            else
            {
                string legacy = Path.Combine(home, ".mozilla", "firefox");
                string config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
                if (string.IsNullOrEmpty(config) || !Path.IsPathRooted(config)) config = Path.Combine(home, ".config");
                roots.Add(Root(Directory.Exists(legacy) ? legacy : Path.Combine(config, "mozilla", "firefox"), null));
                roots.Add(Root(Path.Combine(home, "snap", "firefox", "common", ".mozilla", "firefox"), FirefoxFlavor.Snap));
                roots.Add(Root(Path.Combine(home, ".var", "app", "org.mozilla.firefox", ".mozilla", "firefox"), FirefoxFlavor.Flatpak));
                roots.Add(Root(Path.Combine(home, ".var", "app", "org.mozilla.firefox", "config", "mozilla", "firefox"), FirefoxFlavor.Flatpak));
            }
            return roots.Where(r => File.Exists(Path.Combine(r.Key, "profiles.ini")));
        }

        /// <summary>Every profile of every default root.</summary>
        public static List<FirefoxProfile> FindAll() => DefaultRoots().SelectMany(r => Read(r.Key, r.Value)).ToList();

        /// <summary>The profiles listed in ROOT/profiles.ini (none when it is missing).</summary>
        public static List<FirefoxProfile> Read(string root, FirefoxFlavor? flavor = null)
        {
            string ini = Path.Combine(root, "profiles.ini");
            var result = new List<FirefoxProfile>();
            if (!File.Exists(ini)) return result;
            var sections = IniFile.Parse(Lines(ini));
            var installDefaults = new HashSet<string>(
                sections.Where(s => s.Key.StartsWith("Install", StringComparison.Ordinal))
                        .Select(s => s.Value.TryGetValue("Default", out string d) ? d : null)
                        .Where(d => !string.IsNullOrEmpty(d)),
                StringComparer.Ordinal);
            foreach (var section in sections.Where(s => s.Key.StartsWith("Profile", StringComparison.Ordinal)))
            {
                var keys = section.Value;
                if (!keys.TryGetValue("Path", out string relative) || string.IsNullOrEmpty(relative)) continue;
                bool isRelative = keys.TryGetValue("IsRelative", out string r) && r.Trim() == "1";
                string path = isRelative ? Path.GetFullPath(Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar))) : relative;
                bool isDefault = installDefaults.Count > 0
                    ? installDefaults.Contains(relative)
                    : keys.TryGetValue("Default", out string d) && d.Trim() == "1";
                int holder = Directory.Exists(path) ? ProfileLock.Holder(path) : -1;
                result.Add(new FirefoxProfile
                {
                    Name = keys.TryGetValue("Name", out string name) ? name : relative,
                    Path = path,
                    IsDefault = isDefault,
                    IsRunning = holder >= 0,
                    ProcessId = Math.Max(holder, 0),
                    Flavor = flavor ?? FlavorOf(path),
                    Root = Path.GetFullPath(root),
                });
            }
            return result;
        }

        /// <summary>A profile last opened by Firefox ESR says so in compatibility.ini (LastPlatformDir …/firefox-esr).</summary>
        private static FirefoxFlavor FlavorOf(string profile)
        {
            string file = Path.Combine(profile, "compatibility.ini");
            if (!File.Exists(file)) return FirefoxFlavor.Firefox;
            try
            {
                var compat = IniFile.Parse(Lines(file)).FirstOrDefault(s => s.Key == "Compatibility").Value;
                if (compat == null) return FirefoxFlavor.Firefox;
                foreach (string key in new[] { "LastPlatformDir", "LastAppDir", "LastVersion" })
                {
                    if (compat.TryGetValue(key, out string value) && value.IndexOf("esr", StringComparison.OrdinalIgnoreCase) >= 0) return FirefoxFlavor.ESR;
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            return FirefoxFlavor.Firefox;
        }

        private static KeyValuePair<string, FirefoxFlavor?> Root(string path, FirefoxFlavor? flavor) => new KeyValuePair<string, FirefoxFlavor?>(path, flavor);

        // profiles.ini is the user's: only a regular file is read (a FIFO would hang the read).
        private static string[] Lines(string file) => (SafeFile.ReadText(file) ?? "").Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

        internal static string Home()
        {
            string home = Environment.GetEnvironmentVariable("HOME");
            return string.IsNullOrEmpty(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home;
        }
    }
}
