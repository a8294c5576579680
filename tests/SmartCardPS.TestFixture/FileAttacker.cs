using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;

namespace SmartCardPS.TestFixture
{
    /// <summary>
    /// A hostile local user (native/file-attacker.c, built with gcc) who owns a directory that root writes into and
    /// races every file created there: symlink swaps over temporary files and new directories, and writable
    /// descriptors kept to them. Runs as <see cref="Uid"/> until disposed; <see cref="Stats"/> says what it did.
    /// </summary>
    public sealed class FileAttacker : IDisposable
    {
        public const int Uid = 64123;
        private readonly Process process;
        private readonly string statsPath;

        private FileAttacker(Process process, string statsPath, string directory, string victim)
        {
            this.process = process;
            this.statsPath = statsPath;
            Directory = directory;
            Victim = victim;
        }

        /// <summary>The attacker's own directory (mode 0755, owned by <see cref="Uid"/>), where root is made to write.</summary>
        public string Directory { get; }

        /// <summary>A root-owned file (0600, "secret") that every swap points at: it must never change.</summary>
        public string Victim { get; }

        /// <summary>What makes the victim's state comparable before and after: owner, mode and content.</summary>
        public string VictimState => Stat(Victim) + " " + File.ReadAllText(Victim);

        public static string Unavailable() =>
            File.Exists("/usr/bin/gcc") ? (File.Exists("/usr/bin/setpriv") ? null : "setpriv is not installed (apt-get install util-linux)") : "gcc is not installed (apt-get install gcc)";

        /// <summary>
        /// Builds the attacker (once per process), makes its directory and a victim, and starts it watching. With
        /// <paramref name="rootOwned"/> the watched directory is root's (0755): the user can watch and open, not rename.
        /// </summary>
        public static FileAttacker Start(bool rootOwned = false)
        {
            string root = Path.Combine(Path.GetTempPath(), "smartcardps-attack-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            System.IO.Directory.CreateDirectory(root);
            SoftHsmFixture.Run("/bin/chmod", "0755", root);
            string binary = Build();
            string directory = Path.Combine(root, "home");
            System.IO.Directory.CreateDirectory(directory);
            if (!rootOwned) SoftHsmFixture.Run("/bin/chown", $"{Uid}:{Uid}", directory);
            SoftHsmFixture.Run("/bin/chmod", "0755", directory);
            string victim = Path.Combine(root, "victim");
            File.WriteAllText(victim, "secret");
            SoftHsmFixture.Run("/bin/chmod", "0600", victim);
            // Its counters go outside the watched directory, or writing them would wake it again and again.
            string statsDirectory = Path.Combine(root, "stats");
            System.IO.Directory.CreateDirectory(statsDirectory);
            SoftHsmFixture.Run("/bin/chown", $"{Uid}:{Uid}", statsDirectory);
            string stats = Path.Combine(statsDirectory, "stats");
            string[] arguments = { $"--reuid={Uid}", $"--regid={Uid}", "--clear-groups", binary, directory, victim, stats };
            var process = Process.Start(new ProcessStartInfo("/usr/bin/setpriv", string.Join(" ", arguments.Select(SoftHsmFixture.Quote)))
            {
                UseShellExecute = false,
                RedirectStandardError = true,
            });
            var attacker = new FileAttacker(process, stats, directory, victim);
            var clock = Stopwatch.StartNew();
            while (!File.Exists(attacker.statsPath))
            {
                if (process.HasExited) throw new InvalidOperationException("The file attacker did not start: " + process.StandardError.ReadToEnd());
                if (clock.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException("The file attacker did not start within 10 s.");
                Thread.Sleep(10);
            }
            return attacker;
        }

        /// <summary>The attacker's counters: events (files and directories it raced), swaps, opened, appended.</summary>
        public IReadOnlyDictionary<string, long> Stats
        {
            get
            {
                for (int attempt = 0; ; attempt++)
                {
                    try
                    {
                        return File.ReadAllLines(statsPath).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => long.Parse(p[1]));
                    }
                    catch (IOException) when (attempt < 50)
                    {
                        Thread.Sleep(10);
                    }
                }
            }
        }

        /// <summary>Waits until the attacker has handled at least <paramref name="count"/> events (it lags root by microseconds to milliseconds).</summary>
        public void WaitForEvents(long count, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (Stats["events"] < count && clock.Elapsed < timeout) Thread.Sleep(5);
        }

        /// <summary>Runs a shell command as root; its output, or an exception naming it when it fails.</summary>
        public static string Shell(string command) => SoftHsmFixture.Run("/bin/sh", "-c", command);

        /// <summary>"uid mode" of a file as stat prints them, without following a link.</summary>
        public static string Stat(string path) => SoftHsmFixture.Run("/usr/bin/stat", "-c", "%u %a", path).Trim();

        private static readonly object BuildLock = new object();
        private static string built;

        private static string Build()
        {
            lock (BuildLock)
            {
                if (built != null && File.Exists(built)) return built;
                string why = Unavailable();
                if (why != null) throw new InvalidOperationException("The file attacker cannot be built: " + why);
                string dir = Path.Combine(Path.GetTempPath(), "smartcardps-attacker-" + Guid.NewGuid().ToString("N").Substring(0, 8));
                System.IO.Directory.CreateDirectory(dir);
                string source = Path.Combine(dir, "file-attacker.c");
                using (var stream = typeof(FileAttacker).Assembly.GetManifestResourceStream("SmartCardPS.TestFixture.file-attacker.c"))
                using (var file = File.Create(source))
                {
                    stream.CopyTo(file);
                }
                string binary = Path.Combine(dir, "file-attacker");
                SoftHsmFixture.Run("/usr/bin/gcc", "-O1", "-o", binary, source);
                SoftHsmFixture.Run("/bin/chmod", "-R", "a+rX", dir);
                // Built once per process and kept for its life: it goes with the process, or every test run would
                // leave one in the temporary directory.
                AppDomain.CurrentDomain.ProcessExit += (_, __) =>
                {
                    try { System.IO.Directory.Delete(dir, recursive: true); }
                    catch (IOException) { }
                    catch (UnauthorizedAccessException) { }
                };
                built = binary;
                return binary;
            }
        }

        public void Dispose()
        {
            try
            {
                if (!process.HasExited) process.Kill();
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException) { }
            process.Dispose();
            try { System.IO.Directory.Delete(Path.GetDirectoryName(Directory), recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
