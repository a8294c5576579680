using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;

namespace SmartCardPS.TestFixture
{
    /// <summary>
    /// A private SoftHSM2 (its own softhsm2.conf and token directory, named by SOFTHSM2_CONF) with tokens
    /// made by softhsm2-util, and module configs in the private p11-kit registry that ns-run.sh mounts.
    /// Shared by xunit, Pester, the Demo and the benchmark.
    /// </summary>
    public sealed class SoftHsmFixture : IDisposable
    {
        public const string UserPin = "1234";
        public const string SoPin = "5678";
        private const string ConfVariable = "SOFTHSM2_CONF";

        private static readonly string[] LibraryCandidates =
        {
            "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
            "/usr/lib/softhsm/libsofthsm2.so", "/usr/lib64/pkcs11/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so",
        };

        private readonly string previousConf;
        private readonly List<string> registrations = new List<string>();

        private SoftHsmFixture(string directory)
        {
            Directory = directory;
            previousConf = Environment.GetEnvironmentVariable(ConfVariable);
        }

        public string Directory { get; }
        public string ConfigPath => Path.Combine(Directory, "softhsm2.conf");
        public string TokenDirectory => Path.Combine(Directory, "tokens");
        public static string LibraryPath => Array.Find(LibraryCandidates, File.Exists);

        /// <summary>p11-kit's package module directory as the namespace sees it (a private, writable mount).</summary>
        public static string PackageModuleDirectory => "/usr/share/p11-kit/modules";
        public static string SystemModuleDirectory => "/etc/pkcs11/modules";

        /// <summary>Why the fixture cannot run here, or null when it can.</summary>
        public static string Unavailable()
        {
            if (Environment.GetEnvironmentVariable(PcscFixture.NamespaceVariable) != "1")
                return "not inside the private mount namespace (its p11-kit registry is private): run the tests through tests/tools/ns-run.sh";
            if (!File.Exists("/usr/bin/softhsm2-util")) return "softhsm2-util is not installed (apt-get install softhsm2)";
            if (LibraryPath == null) return "libsofthsm2.so is not installed (apt-get install softhsm2)";
            if (!System.IO.Directory.Exists(PackageModuleDirectory)) return "p11-kit is not installed (apt-get install p11-kit)";
            return null;
        }

        /// <summary>
        /// Makes a private SoftHSM with one initialized token per label (user PIN 1234, SO PIN 5678) and points
        /// SOFTHSM2_CONF at it for this process (managed and native environment, so an in-process SoftHSM reads
        /// it too) and for every process it starts.
        /// </summary>
        public static SoftHsmFixture Start(params string[] labels)
        {
            string why = Unavailable();
            if (why != null) throw new InvalidOperationException("The SoftHSM test fixture cannot start: " + why);
            string dir = Path.Combine(Path.GetTempPath(), "smartcardps-softhsm-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            var fixture = new SoftHsmFixture(dir);
            System.IO.Directory.CreateDirectory(fixture.TokenDirectory);
            File.WriteAllText(fixture.ConfigPath,
                $"directories.tokendir = {fixture.TokenDirectory}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
            SetEnvironment(ConfVariable, fixture.ConfigPath);
            foreach (string label in labels) fixture.AddToken(label);
            return fixture;
        }

        public void AddToken(string label)
        {
            Run("/usr/bin/softhsm2-util", "--init-token", "--free", "--label", label, "--pin", UserPin, "--so-pin", SoPin);
            // Tests read the tokens as an unprivileged user too.
            Run("/bin/chmod", "-R", "a+rwX", Directory);
        }

        public void RemoveToken(string label) =>
            Run("/usr/bin/softhsm2-util", "--delete-token", "--token", label);

        /// <summary>Writes a module config for SoftHSM (or any <paramref name="content"/>) and removes it on Dispose.</summary>
        public string Register(string name = "softhsm2", string directory = null, string content = null)
        {
            directory = directory ?? PackageModuleDirectory;
            System.IO.Directory.CreateDirectory(directory);
            string file = Path.Combine(directory, name + ".module");
            File.WriteAllText(file, content ?? $"module: {LibraryPath}\n");
            registrations.Add(file);
            return file;
        }

        public void Dispose()
        {
            foreach (string file in registrations)
            {
                if (File.Exists(file)) File.Delete(file);
            }
            registrations.Clear();
            SetEnvironment(ConfVariable, previousConf);
            try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
        }

        /// <summary>Runs a program to its end; its output (stdout then stderr), or an exception when it fails.</summary>
        internal static string Run(string file, params string[] args)
        {
            // netstandard2.0 has no ArgumentList: quote each argument the way .NET splits them on Unix.
            string arguments = string.Join(" ", Array.ConvertAll(args, Quote));
            var psi = new ProcessStartInfo(file, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            using (var p = Process.Start(psi))
            {
                string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(" ", args)} failed ({p.ExitCode}): {output}");
                return output;
            }
        }

        // .NET splits arguments by the Windows rules: backslashes are literal except before a quote, where 2n (+1)
        // of them stand for n (and a literal quote).
        internal static string Quote(string argument)
        {
            var quoted = new System.Text.StringBuilder("\"");
            int backslashes = 0;
            foreach (char c in argument)
            {
                if (c == '\\') { backslashes++; continue; }
                quoted.Append('\\', c == '"' ? 2 * backslashes + 1 : backslashes).Append(c);
                backslashes = 0;
            }
            return quoted.Append('\\', 2 * backslashes).Append('"').ToString();
        }

        /// <summary>
        /// .NET keeps its own copy of the environment on Unix; a native library calling getenv (SoftHSM reading
        /// SOFTHSM2_CONF) sees only what setenv put into the C runtime's.
        /// </summary>
        private static void SetEnvironment(string name, string value)
        {
            Environment.SetEnvironmentVariable(name, value);
            if (value == null) NativeEnvironment.unsetenv(name);
            else NativeEnvironment.setenv(name, value, 1);
        }

        private static class NativeEnvironment
        {
            [DllImport("libc.so.6")] internal static extern int setenv(string name, string value, int overwrite);
            [DllImport("libc.so.6")] internal static extern int unsetenv(string name);
        }
    }
}
