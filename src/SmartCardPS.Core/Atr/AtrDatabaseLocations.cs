using System;
using System.Collections.Generic;
using System.IO;
using SmartCardPS.Os;

namespace SmartCardPS.Atr
{
    /// <summary>Where smartcard_list.txt is looked for: ATR_analysis' order, with the equivalents on Windows and macOS.</summary>
    public static class AtrDatabaseLocations
    {
        /// <summary>Replaces the search list (paths separated by the platform's path separator) when set and not empty: for tests and unusual installs.</summary>
        public const string OverrideVariable = "SMARTCARDPS_ATR_DATABASE";

        public const string FileName = "smartcard_list.txt";

        /// <summary>The candidate files, first match wins.</summary>
        public static IReadOnlyList<string> SearchPaths
        {
            get
            {
                string custom = Environment.GetEnvironmentVariable(OverrideVariable);
                if (!string.IsNullOrEmpty(custom)) return custom.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries);

                string home = Environment.GetEnvironmentVariable("HOME");
                if (string.IsNullOrEmpty(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                var paths = new List<string>(8);
                if (RunningOs.IsWindows)
                {
                    paths.Add(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "pcsc", FileName));
                    paths.Add(Path.Combine(home, "." + FileName));
                    paths.Add(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "pcsc", FileName));
                    return paths;
                }
                string cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                paths.Add(Path.Combine(string.IsNullOrEmpty(cache) ? Path.Combine(home, ".cache") : cache, FileName));
                paths.Add(Path.Combine(home, "." + FileName));
                paths.Add("/usr/local/pcsc/" + FileName);
                paths.Add("/usr/share/pcsc/" + FileName);
                paths.Add("/usr/local/share/pcsc/" + FileName);
                if (RunningOs.IsMacOS) paths.Add("/opt/homebrew/share/pcsc/" + FileName);
                return paths;
            }
        }

        public static string FindDefault()
        {
            foreach (string path in SearchPaths)
            {
                if (File.Exists(path)) return path;
            }
            return null;
        }
    }
}
