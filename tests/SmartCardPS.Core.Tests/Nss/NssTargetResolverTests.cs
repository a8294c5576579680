using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using SmartCardPS.Nss;
using SmartCardPS.Tests.Support;
using Xunit;

namespace SmartCardPS.Tests.Nss
{
    /// <summary>
    /// Which databases the NSS cmdlets work on, over profiles made by the real firefox-esr -CreateProfile in a home of
    /// the test's own (never the user's) and databases made by certutil -N.
    /// </summary>
    public sealed class NssTargetResolverTests : IDisposable
    {
        private readonly string home = Path.Combine(Path.GetTempPath(), "smartcardps-targets-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        private readonly List<string> databases = new List<string>();

        public NssTargetResolverTests() => Directory.CreateDirectory(home);

        public void Dispose()
        {
            Directory.Delete(home, true);
            foreach (string db in databases) Directory.Delete(db, true);
        }

        /// <summary>Where firefox-esr keeps profiles.ini under <see cref="home"/>.</summary>
        private string Root => Path.Combine(home, ".config", "mozilla", "firefox");

        private IEnumerable<KeyValuePair<string, FirefoxFlavor?>> Roots => new[] { new KeyValuePair<string, FirefoxFlavor?>(Root, null) };

        /// <summary>firefox-esr --headless -CreateProfile "name [directory]" with HOME pointing at the test's
        /// home.</summary>
        private void CreateProfile(string spec)
        {
            Requires.Dependency(File.Exists("/usr/bin/firefox-esr"), "firefox-esr");
            var psi = new ProcessStartInfo("firefox-esr") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("--headless");
            psi.ArgumentList.Add("-CreateProfile");
            psi.ArgumentList.Add(spec);
            psi.Environment["HOME"] = home;
            psi.Environment.Remove("XDG_CONFIG_HOME");
            using (var p = Process.Start(psi))
            {
                var stderr = p.StandardError.ReadToEndAsync();
                p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, $"firefox-esr -CreateProfile {spec} exited {p.ExitCode}: {stderr.Result}");
            }
        }

        private string NewDatabase()
        {
            Requires.Dependency(NssTools.Available, "libnss3-tools (certutil, modutil)");
            string db = NssTools.NewDatabase();
            databases.Add(db);
            return db;
        }

        private NssTargetResolver Resolver(Func<string, string> fullPath = null) => new NssTargetResolver(fullPath ?? Path.GetFullPath, Roots);

        private static List<NssTarget> Resolve(NssTargetResolver resolver, bool everyProfileByDefault = false)
        {
            var invalid = new List<KeyValuePair<string, ArgumentException>>();
            List<NssTarget> targets = resolver.Resolve(everyProfileByDefault, invalid);
            Assert.Empty(invalid);
            return targets;
        }

        [SkippableFact]
        public void WithNothingNamedAChangeGoesToTheDefaultProfileAndAListingToEveryProfile()
        {
            CreateProfile("first");
            CreateProfile("second " + Path.Combine(home, "second"));
            List<FirefoxProfile> profiles = FirefoxProfiles.Read(Root);
            // With a second profile, -CreateProfile marked the first one Default=1.
            Assert.Equal(new[] { true, false }, profiles.OrderBy(p => p.Name).Select(p => p.IsDefault));

            NssTarget only = Assert.Single(Resolve(Resolver()));
            Assert.Equal("first", only.Profile.Name);
            Assert.Equal(profiles.Single(p => p.Name == "first").Path, only.Directory);
            Assert.Equal(profiles.Select(p => p.Path), Resolve(Resolver(), everyProfileByDefault: true).Select(t => t.Directory));
            Assert.Equal(profiles.Select(p => p.Path), Resolve(new NssTargetResolver(Path.GetFullPath, Roots) { AllProfiles = true }).Select(t => t.Directory));
        }

        [SkippableFact]
        public void TheOnlyProfileIsTheDefaultEvenUnmarked()
        {
            CreateProfile("lone");
            Assert.False(FirefoxProfiles.Read(Root).Single().IsDefault);
            Assert.Equal("lone", Assert.Single(Resolve(Resolver())).Profile.Name);
        }

        [SkippableFact]
        public void NoProfileToChooseIsAnErrorThatSaysWhatToName()
        {
            var none = new NssTargetResolver(Path.GetFullPath, Array.Empty<KeyValuePair<string, FirefoxFlavor?>>());
            var ex = Assert.Throws<NssException>(() => none.Resolve(false, new List<KeyValuePair<string, ArgumentException>>()));
            Assert.Equal(NssFailure.NoProfile, ex.Failure);
            Assert.Equal("No Firefox profile was found (no profiles.ini under ~/.mozilla/firefox, ~/.config/mozilla/firefox, Snap or Flatpak)."
                + " Start Firefox once, or name a database with -NssDatabase or -SharedDatabase.", ex.Message);
            // A listing of no profiles is empty, not an error.
            Assert.Empty(none.Resolve(true, new List<KeyValuePair<string, ArgumentException>>()));

            CreateProfile("a");
            CreateProfile("b");
            string ini = Path.Combine(Root, "profiles.ini");
            File.WriteAllLines(ini, File.ReadAllLines(ini).Where(l => l != "Default=1"));
            ex = Assert.Throws<NssException>(() => Resolver().Resolve(false, new List<KeyValuePair<string, ArgumentException>>()));
            Assert.Equal("There are 2 Firefox profiles and none is the default: name them with -Profile (see Get-FirefoxProfile) or use -AllProfiles.", ex.Message);
        }

        [SkippableFact]
        public void NamedDatabasesAreEachReturnedOnceAndAProfilesDirectoryIsThatProfile()
        {
            CreateProfile("work " + Path.Combine(home, "work"));
            CreateProfile("play " + Path.Combine(home, "play"));
            FirefoxProfile work = FirefoxProfiles.Read(Root).Single(p => p.Name == "work");
            NssTools.Run("certutil", "-N", "--empty-password", "-d", "sql:" + work.Path);
            string db = NewDatabase();
            string parent = Path.GetDirectoryName(db);
            var resolver = Resolver(p => Path.IsPathRooted(p) ? p : Path.Combine(parent, p));
            resolver.Profiles = new[] { work };
            // The profile again by its directory, the database by sql:, relative, and with a trailing separator.
            resolver.Databases = new[] { "sql:" + work.Path + "/", "sql:" + db, Path.GetFileName(db), db + "/" };
            resolver.SharedDatabase = true;

            List<NssTarget> targets = Resolve(resolver);
            Assert.Equal(new[] { work.Path, db, NssModuleDatabase.SharedDatabase() },
                targets.Select(t => t.Directory));
            Assert.Equal("work", targets[0].Profile.Name);
            Assert.Null(targets[1].Profile);
            Assert.Equal($"Firefox profile 'work' ('{work.Path}')", targets[0].Description);
            Assert.Equal($"NSS database '{db}'", targets[1].Description);

            // Named by directory only, a profile's database is still found to be that profile (its lock matters).
            resolver = Resolver();
            resolver.Databases = new[] { "sql:" + work.Path };
            Assert.Equal("work", Assert.Single(Resolve(resolver)).Profile.Name);
        }

        [SkippableFact]
        public void ADbmDatabaseIsReportedAndTheOthersAreStillReturned()
        {
            string db = NewDatabase();
            var resolver = Resolver();
            resolver.Databases = new[] { "dbm:" + db, db };
            var invalid = new List<KeyValuePair<string, ArgumentException>>();
            NssTarget target = Assert.Single(resolver.Resolve(false, invalid));
            Assert.Equal(db, target.Directory);
            var refused = Assert.Single(invalid);
            Assert.Equal("dbm:" + db, refused.Key);
            Assert.Contains("legacy dbm: database", refused.Value.Message);
        }
    }
}
