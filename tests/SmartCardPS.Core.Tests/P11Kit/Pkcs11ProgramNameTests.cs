using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.P11Kit
{
    /// <summary>
    /// enable-in and disable-in against p11-kit itself: p11-kit matches them against the program's name, so its
    /// list-modules runs as copies of the p11-kit binary named after the programs. As root p11-kit skips user
    /// configs, so both sides read a test user's (uid 64123) configs.
    /// </summary>
    public sealed class Pkcs11ProgramNameTests : IDisposable
    {
        private const int TestUid = 64123;
        private readonly string root = Path.Combine(Path.GetTempPath(), "smartcardps-progname-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public void Dispose()
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }

        [SkippableFact]
        [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
        public void EnabledModulesAreThoseP11KitListsUnderEachProgramName()
        {
            Requires.Dependency(File.Exists("/usr/bin/p11-kit"), "p11-kit (apt-get install p11-kit)");
            Requires.Dependency(File.Exists("/usr/bin/setpriv"), "setpriv (apt-get install util-linux)");
            var paths = Pkcs11RegistryPaths.Default().Clone();
            Requires.Dependency(paths.ModuleDirectory != null && File.Exists(Path.Combine(paths.ModuleDirectory, "p11-kit-trust.so")), "p11-kit-trust.so (apt-get install p11-kit-modules)");
            Requires.Dependency(File.Exists(Path.Combine(paths.ModuleDirectory, "opensc-pkcs11.so")), "opensc-pkcs11.so (apt-get install opensc-pkcs11)");

            string home = Path.Combine(root, "home");
            string modules = Path.Combine(home, ".config", "pkcs11", "modules");
            Directory.CreateDirectory(modules);
            // Every way a program can be named: listed alone, among others (commas, blanks), or not at all.
            File.WriteAllText(Path.Combine(modules, "i9-only-in.module"), "module: p11-kit-trust.so\nenable-in: smartcardps-a, smartcardps-b\n");
            File.WriteAllText(Path.Combine(modules, "i9-not-in.module"), "module: opensc-pkcs11.so\ndisable-in: smartcardps-b  smartcardps-c\n");
            string bin = Path.Combine(root, "bin");
            Directory.CreateDirectory(bin);
            foreach (string dir in new[] { root, home, Path.Combine(home, ".config"), Path.Combine(home, ".config", "pkcs11"), modules, bin })
                File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));

            paths.UserModuleDirectory = modules;
            paths.UserConfigFile = Path.Combine(home, ".config", "pkcs11", "pkcs11.conf");
            paths.IgnoreUserConfig = false;
            var seen = new System.Collections.Generic.List<string>();
            foreach (string program in new[] { "p11-kit", "smartcardps-a", "smartcardps-b", "smartcardps-c" })
            {
                string copy = Path.Combine(bin, program);
                File.Copy("/usr/bin/p11-kit", copy);
                File.SetUnixFileMode(copy, (UnixFileMode)Convert.ToInt32("755", 8));
                string[] theirs = P11KitModules(copy, home).Where(n => n.StartsWith("i9-", StringComparison.Ordinal)).OrderBy(n => n, StringComparer.Ordinal).ToArray();

                paths.ProgramName = program;
                string[] ours = Pkcs11Registry.Load(paths).EnabledModules.Select(m => m.Name)
                    .Where(n => n.StartsWith("i9-", StringComparison.Ordinal)).OrderBy(n => n, StringComparer.Ordinal).ToArray();
                Assert.True(theirs.SequenceEqual(ours), $"as {program}: p11-kit lists [{string.Join(", ", theirs)}], SmartCardPS [{string.Join(", ", ours)}]");
                seen.Add(program + ":" + string.Join("+", ours));
            }
            // The cases this covers really happen: each module enabled under some name and disabled under another.
            Assert.Equal(new[] { "p11-kit:i9-not-in", "smartcardps-a:i9-not-in+i9-only-in", "smartcardps-b:i9-only-in", "smartcardps-c:" }, seen);
        }

        private static string[] P11KitModules(string program, string home)
        {
            var start = new ProcessStartInfo("/usr/bin/setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { $"--reuid={TestUid}", $"--regid={TestUid}", "--clear-groups", "env", "-i", "HOME=" + home, "PATH=/usr/bin:/bin", program, "list-modules" })
                start.ArgumentList.Add(a);
            using (var p = Process.Start(start))
            {
                string stdout = p.StandardOutput.ReadToEnd();
                p.StandardError.ReadToEnd();
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, $"{program} list-modules exited with {p.ExitCode}");
                return stdout.Split('\n').Where(l => l.Length > 0 && !char.IsWhiteSpace(l[0]) && l.Contains(':')).Select(l => l.Substring(0, l.IndexOf(':'))).ToArray();
            }
        }
    }
}
