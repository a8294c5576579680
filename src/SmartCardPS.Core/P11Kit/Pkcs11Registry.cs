using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.P11Kit
{
    /// <summary>
    /// p11-kit's module registry read the way p11-kit reads it: user, system and package configs merged per
    /// module name and key by key (user over system over package), governed by user-config in pkcs11.conf.
    /// </summary>
    public sealed partial class Pkcs11Registry
    {
        private Pkcs11Registry(Pkcs11RegistryPaths paths) => Paths = paths;

        public Pkcs11RegistryPaths Paths { get; }
        public Pkcs11UserConfigMode UserConfigMode { get; private set; } = Pkcs11UserConfigMode.Merge;

        /// <summary>Whether the user's configs were read (not for root, not with P11_KIT_NO_USER_CONFIG, not with user-config: none).</summary>
        public bool UserConfigRead { get; private set; }

        /// <summary>Why p11-kit reads no user configs for this user, as a message says it; null when it reads them.</summary>
        public string UserConfigIgnoredBecause { get; private set; }

        /// <summary>Every registered module, in p11-kit's load order: higher priority first, then by name.</summary>
        public IReadOnlyList<Pkcs11Module> Modules { get; private set; } = Array.Empty<Pkcs11Module>();

        /// <summary>Config files that could not be read, with the reason.</summary>
        public IReadOnlyList<string> Warnings => warnings;

        private readonly List<string> warnings = new List<string>();

        public static Pkcs11Registry Load(Pkcs11RegistryPaths paths = null)
        {
            paths = paths ?? Pkcs11RegistryPaths.Default();
            var registry = new Pkcs11Registry(paths);
            if (paths.P11KitPresent) registry.Read();
            return registry;
        }

        /// <summary>Modules that p11-kit would load in this program, in load order.</summary>
        public IEnumerable<Pkcs11Module> EnabledModules => Modules.Where(m => m.Enabled);

        /// <summary>
        /// A module: value as p11-kit resolves it: absolute paths as they are, anything else only inside
        /// p11-kit's module directory (never the linker's search path). Null for a blank value.
        /// </summary>
        public string ResolveModulePath(string module)
        {
            if (string.IsNullOrWhiteSpace(module)) return null;
            if (System.IO.Path.IsPathRooted(module) || Paths.ModuleDirectory == null) return module;
            return System.IO.Path.Combine(Paths.ModuleDirectory, module);
        }

        /// <summary>
        /// Every module config in every location, whether or not it is in effect (a user's file while root,
        /// a package file shadowed by a system one).
        /// </summary>
        public IEnumerable<Pkcs11Module> AllConfigs() => ConfigsIn(Locations(includeUser: true));

        /// <summary>Each config file p11-kit reads for this user, one module per file (a package file shadowed by a system one too).</summary>
        public IEnumerable<Pkcs11Module> ReadConfigs() =>
            ConfigsIn(Locations(UserConfigRead).Where(l => l.Source == Pkcs11ModuleSource.User || UserConfigMode != Pkcs11UserConfigMode.Only));

        private IEnumerable<Pkcs11Module> ConfigsIn(IEnumerable<(string Dir, Pkcs11ModuleSource Source)> locations)
        {
            foreach (var (dir, source) in locations)
            {
                foreach (var (name, file, settings) in ReadDirectory(dir, null))
                {
                    yield return Build(name, new List<(string, Pkcs11ModuleSource, Dictionary<string, string>)> { (file, source, settings) });
                }
            }
        }

        /// <summary>
        /// One config file on its own, wherever it is (a -Path outside p11-kit's directories too); its source
        /// follows from its directory. Null with <paramref name="error"/> set when it cannot be read.
        /// </summary>
        public Pkcs11Module ReadConfig(string file, out string error)
        {
            var settings = Pkcs11ConfigParser.ParseFile(file, out error);
            if (settings == null) return null;
            string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file));
            var source = Locations(includeUser: true).Where(l => PathComparison.Same(l.Dir, dir)).Select(l => l.Source).FirstOrDefault();
            string name = Pkcs11ConfigParser.ModuleNameOf(System.IO.Path.GetFileName(file)) ?? System.IO.Path.GetFileName(file);
            return Build(name, new List<(string, Pkcs11ModuleSource, Dictionary<string, string>)> { (file, source, settings) });
        }

        private IEnumerable<(string Dir, Pkcs11ModuleSource Source)> Locations(bool includeUser)
        {
            if (includeUser && Paths.UserModuleDirectory != null) yield return (Paths.UserModuleDirectory, Pkcs11ModuleSource.User);
            if (Paths.SystemModuleDirectory != null) yield return (Paths.SystemModuleDirectory, Pkcs11ModuleSource.System);
            if (Paths.PackageModuleDirectory != null) yield return (Paths.PackageModuleDirectory, Pkcs11ModuleSource.Package);
        }

        private void Read()
        {
            UserConfigMode = ReadGlobalMode();
            UserConfigRead = UserConfigMode != Pkcs11UserConfigMode.None;
            // Per module name, the files that set it, highest precedence first.
            var byName = new Dictionary<string, List<(string File, Pkcs11ModuleSource Source, Dictionary<string, string> Settings)>>(StringComparer.Ordinal);
            foreach (var (dir, source) in Locations(UserConfigRead))
            {
                if (source != Pkcs11ModuleSource.User && UserConfigMode == Pkcs11UserConfigMode.Only) continue;
                foreach (var (name, file, settings) in ReadDirectory(dir, warnings))
                {
                    if (!byName.TryGetValue(name, out var layers)) byName[name] = layers = new List<(string, Pkcs11ModuleSource, Dictionary<string, string>)>();
                    layers.Add((file, source, settings));
                }
            }
            Modules = byName.Select(kv => Build(kv.Key, kv.Value))
                .OrderByDescending(m => m.Priority).ThenBy(m => m.Name, StringComparer.Ordinal).ToList();
        }

        private Pkcs11UserConfigMode ReadGlobalMode()
        {
            var system = ReadOptional(Paths.SystemConfigFile);
            var mode = ModeOf(system, Pkcs11UserConfigMode.Merge);
            if (Paths.UserModuleDirectory == null) return Ignored("p11-kit reads no user configs for root");
            if (Paths.IgnoreUserConfig) return Ignored("P11_KIT_NO_USER_CONFIG is set");
            if (mode == Pkcs11UserConfigMode.None) return Ignored(UntrustedText.Escape(Paths.SystemConfigFile) + " says user-config: none");
            // The user's own pkcs11.conf may turn user configs off, or make them the only ones.
            mode = ModeOf(ReadOptional(Paths.UserConfigFile), mode);
            return mode == Pkcs11UserConfigMode.None ? Ignored(UntrustedText.Escape(Paths.UserConfigFile) + " says user-config: none") : mode;
        }

        private Pkcs11UserConfigMode Ignored(string because)
        {
            UserConfigIgnoredBecause = because;
            return Pkcs11UserConfigMode.None;
        }

        private Dictionary<string, string> ReadOptional(string file)
        {
            if (file == null || !File.Exists(file)) return null;
            var settings = Pkcs11ConfigParser.ParseFile(file, out string error);
            if (settings == null) warnings.Add($"{UntrustedText.Quote(file)}: {error}");
            return settings;
        }

        private Pkcs11UserConfigMode ModeOf(Dictionary<string, string> config, Pkcs11UserConfigMode fallback)
        {
            if (config == null || !config.TryGetValue("user-config", out string value)) return fallback;
            switch (value)
            {
                case "none": return Pkcs11UserConfigMode.None;
                case "merge": return Pkcs11UserConfigMode.Merge;
                case "only":
                case "override": return Pkcs11UserConfigMode.Only;
                default:
                    warnings.Add($"invalid user-config value {UntrustedText.Quote(value)}; keeping '{fallback.ToString().ToLowerInvariant()}'");
                    return fallback;
            }
        }

        private static IEnumerable<(string Name, string File, Dictionary<string, string> Settings)> ReadDirectory(string dir, List<string> warnings)
        {
            if (!Directory.Exists(dir)) yield break;
            string[] files;
            try
            {
                files = Directory.GetFiles(dir);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                warnings?.Add($"{UntrustedText.Quote(dir)}: {ex.Message}");
                yield break;
            }
            Array.Sort(files, StringComparer.Ordinal);
            foreach (string file in files)
            {
                string name = Pkcs11ConfigParser.ModuleNameOf(System.IO.Path.GetFileName(file));
                if (name == null) continue;
                var settings = Pkcs11ConfigParser.ParseFile(file, out string error);
                if (settings == null)
                {
                    warnings?.Add($"{UntrustedText.Quote(file)}: {error}");
                    continue;
                }
                yield return (name, file, settings);
            }
        }

        private Pkcs11Module Build(string name, List<(string File, Pkcs11ModuleSource Source, Dictionary<string, string> Settings)> layers)
        {
            var merged = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var layer in layers)
            {
                foreach (var kv in layer.Settings)
                {
                    if (!merged.ContainsKey(kv.Key)) merged[kv.Key] = kv.Value;
                }
            }
            var owner = layers.FirstOrDefault(l => l.Settings.ContainsKey("module"));
            if (owner.File == null) owner = layers[0];
            merged.TryGetValue("module", out string moduleSetting);
            string path = ResolveModulePath(moduleSetting);
            var module = new Pkcs11Module
            {
                Name = name,
                ModuleSetting = moduleSetting,
                Path = path,
                ConfigFile = owner.File,
                ConfigFiles = layers.Select(l => l.File).ToArray(),
                Source = owner.Source,
                Priority = ParsePriority(merged),
                Critical = Pkcs11ConfigParser.Boolean(Get(merged, "critical"), false),
                TrustPolicy = Pkcs11ConfigParser.Boolean(Get(merged, "trust-policy"), false),
                EnableIn = Pkcs11ConfigParser.List(Get(merged, "enable-in")),
                DisableIn = Pkcs11ConfigParser.List(Get(merged, "disable-in")),
                Settings = merged,
            };
            module.Enabled = path != null && IsEnabledIn(module, Paths.ProgramName);
            return module;
        }

        /// <summary>p11-kit's enable-in/disable-in test: enable-in lists the only programs, disable-in the excluded ones.</summary>
        public static bool IsEnabledIn(Pkcs11Module module, string program)
        {
            // Presence counts, not content: an empty enable-in enables the module nowhere.
            if (module.Settings.ContainsKey("enable-in")) return program != null && module.EnableIn.Contains(program, StringComparer.Ordinal);
            if (module.Settings.ContainsKey("disable-in")) return program == null || !module.DisableIn.Contains(program, StringComparer.Ordinal);
            return true;
        }

        private static string Get(Dictionary<string, string> settings, string key) => settings.TryGetValue(key, out string v) ? v : null;

        private static int ParsePriority(Dictionary<string, string> settings)
        {
            string value = Get(settings, "priority");
            return value != null && int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int p) ? p : 0;
        }
    }
}
