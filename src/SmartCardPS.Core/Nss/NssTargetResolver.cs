using System;
using System.Collections.Generic;
using System.Linq;
using SmartCardPS.Os;

namespace SmartCardPS.Nss
{
    /// <summary>
    /// Which NSS databases a command works on, from what it was given: Firefox profiles, database directories (an sql:
    /// prefix allowed), the shared database, every profile. Each database once, however often it was named.
    /// </summary>
    public sealed class NssTargetResolver
    {
        private readonly Func<string, string> fullPath;
        private readonly IEnumerable<KeyValuePair<string, FirefoxFlavor?>> roots;
        private List<FirefoxProfile> allProfiles;

        /// <param name="fullPath">A database directory made absolute (PowerShell's current location, ~).</param>
        /// <param name="roots">The profile roots; the user's (<see cref="FirefoxProfiles.DefaultRoots"/>) when
        /// null.</param>
        public NssTargetResolver(Func<string, string> fullPath, IEnumerable<KeyValuePair<string, FirefoxFlavor?>> roots = null)
        {
            this.fullPath = fullPath;
            this.roots = roots ?? FirefoxProfiles.DefaultRoots();
        }

        /// <summary>Profiles named (-Profile); null when none were.</summary>
        public IList<FirefoxProfile> Profiles { get; set; }

        /// <summary>Database directories named (-NssDatabase); null when none were.</summary>
        public IList<string> Databases { get; set; }

        /// <summary>The shared database (-SharedDatabase, see
        /// <see cref="NssModuleDatabase.SharedDatabase"/>).</summary>
        public bool SharedDatabase { get; set; }

        /// <summary>Every profile of every root (-AllProfiles).</summary>
        public bool AllProfiles { get; set; }

        /// <summary>
        /// The databases named, each once; a named directory that a profile uses is that profile. With none named:
        /// every profile when <paramref name="everyProfileByDefault"/> (a listing), else the default profile, or the
        /// only one (a change), else <see cref="NssException"/> NoProfile. A database that cannot be one (dbm:) goes
        /// to <paramref name="invalid"/> with the reason, and the others are still returned.
        /// </summary>
        public List<NssTarget> Resolve(bool everyProfileByDefault, ICollection<KeyValuePair<string, ArgumentException>> invalid)
        {
            allProfiles = null;
            var targets = new List<NssTarget>();
            foreach (FirefoxProfile p in Profiles ?? Array.Empty<FirefoxProfile>()) targets.Add(Of(p));
            foreach (string database in Databases ?? Array.Empty<string>())
            {
                string directory;
                try
                {
                    directory = fullPath(NssModuleDatabase.DirectoryOf(database));
                }
                catch (ArgumentException ex)
                {
                    invalid.Add(new KeyValuePair<string, ArgumentException>(database, ex));
                    continue;
                }
                targets.Add(new NssTarget { Directory = directory, Profile = All().FirstOrDefault(p => PathComparison.Same(p.Path, directory)) });
            }
            if (SharedDatabase) targets.Add(new NssTarget { Directory = NssModuleDatabase.SharedDatabase() });
            bool named = Profiles != null || Databases != null || SharedDatabase;
            if (AllProfiles || (!named && everyProfileByDefault)) targets.AddRange(All().Select(Of));
            else if (!named) targets.AddRange(DefaultProfiles().Select(Of));
            return targets.GroupBy(t => PathComparison.Absolute(t.Directory), PathComparison.Comparer).Select(g => g.First()).ToList();
        }

        /// <summary>The profiles marked default, else the only profile; none is an error that says what to
        /// name.</summary>
        private List<FirefoxProfile> DefaultProfiles()
        {
            List<FirefoxProfile> all = All();
            List<FirefoxProfile> chosen = all.Where(p => p.IsDefault).ToList();
            if (chosen.Count == 0 && all.Count == 1) chosen = all;
            if (chosen.Count > 0) return chosen;
            string searched = string.Join(", ", roots.Select(r => r.Key));
            throw new NssException(NssFailure.NoProfile, all.Count == 0
                ? "No Firefox profile was found" + (searched.Length > 0 ? " in " + searched
                    : " (no profiles.ini under ~/.mozilla/firefox, ~/.config/mozilla/firefox, Snap or Flatpak)") +
                  ". Start Firefox once, or name a database with -NssDatabase or -SharedDatabase."
                : $"There are {all.Count} Firefox profiles and none is the default: name them with -Profile (see Get-FirefoxProfile) or use -AllProfiles.",
                null);
        }

        /// <summary>Every profile of every root, read once per resolution.</summary>
        private List<FirefoxProfile> All() => allProfiles ?? (allProfiles = roots.SelectMany(r => FirefoxProfiles.Read(r.Key, r.Value)).ToList());

        private static NssTarget Of(FirefoxProfile profile) => new NssTarget { Directory = profile.Path, Profile = profile };
    }
}
