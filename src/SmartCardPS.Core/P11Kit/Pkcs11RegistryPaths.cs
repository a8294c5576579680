using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.P11Kit
{
    /// <summary>
    /// Where the p11-kit registry lives, as p11-kit is built on this machine. The defaults are the real
    /// locations; tests and tools point them at temporary directories instead.
    /// </summary>
    public sealed class Pkcs11RegistryPaths
    {
        /// <summary>Module configs installed by packages (p11-kit's p11_module_configs).</summary>
        public string PackageModuleDirectory { get; set; }

        /// <summary>Module configs written by the administrator.</summary>
        public string SystemModuleDirectory { get; set; }

        /// <summary>The global pkcs11.conf, where user-config is set.</summary>
        public string SystemConfigFile { get; set; }

        /// <summary>
        /// The user's configs (~/.config/pkcs11); null for root, for whom p11-kit reads none whatever HOME says (under
        /// sudo HOME may still be the user's), so that nothing here reads a file that user controls as root.
        /// </summary>
        public string UserModuleDirectory { get; set; }
        public string UserConfigFile { get; set; }

        /// <summary>The only directory where p11-kit looks for a module: value that is not an absolute path.</summary>
        public string ModuleDirectory { get; set; }

        /// <summary>
        /// p11-kit never reads user configs for root or when P11_KIT_NO_USER_CONFIG is set, so a user's file
        /// cannot make a privileged process load a library.
        /// </summary>
        public bool IgnoreUserConfig { get; set; }

        /// <summary>The program name that enable-in and disable-in are matched against.</summary>
        public string ProgramName { get; set; }

        /// <summary>Whether p11-kit exists here at all; without it the registry is empty.</summary>
        public bool P11KitPresent { get; set; }

        /// <summary>Why this platform has no p11-kit registry at all (Windows), or null.</summary>
        public string NotUsedReason { get; set; }

        /// <summary>Why the registry is empty, for the setup checks: the platform's reason, or p11-kit missing.</summary>
        public string AbsenceReason => NotUsedReason ?? "p11-kit is not installed";

        public const string WindowsReason =
            "p11-kit's module registry is not used on Windows: name a PKCS#11 library with -Module instead, e.g. " +
            "Get-Pkcs11Token -Module 'C:\\Program Files\\OpenSC Project\\OpenSC\\pkcs11\\opensc-pkcs11.dll'";

        /// <summary>
        /// The library a user names. A value with a directory part is a path: <paramref name="fullPath"/>, the value
        /// made absolute by the caller (PowerShell's current location, ~). A bare file name is looked for only in
        /// p11-kit's module directory, as p11-kit resolves module:, never in the current location, where anyone who
        /// can write there (a shared or download directory) would choose the code loaded; ./name says that file is
        /// meant. Null when a bare name is not there.
        /// </summary>
        public string ResolveLibrary(string value, string fullPath)
        {
            if (string.IsNullOrEmpty(value)) return null;
            if (!IsBareName(value)) return fullPath;
            if (ModuleDirectory == null) return null;
            string inModuleDirectory = Path.Combine(ModuleDirectory, value);
            return File.Exists(inModuleDirectory) ? inModuleDirectory : null;
        }

        /// <summary>A file name without a directory part, which <see cref="ResolveLibrary"/> looks for in p11-kit's
        /// module directory only; anything else is a path.</summary>
        public static bool IsBareName(string value) => value.IndexOfAny(new[] { '/', '\\' }) < 0 && !Path.IsPathRooted(value);

        /// <summary>Why <see cref="ResolveLibrary"/> found no library for the bare name <paramref name="value"/>, and
        /// how to name a file of the current location instead.</summary>
        public string LibraryNotFoundMessage(string value) =>
            $"There is no library {UntrustedText.Quote(value)} in p11-kit's module directory ({ModuleDirectory ?? "none"}); a file in the current location is named as a path, such as ./{UntrustedText.Escape(value)}.";

        public static Pkcs11RegistryPaths Default()
        {
            // p11-kit's registry is a Unix one. On Windows its paths would resolve against the current drive
            // (C:\etc\pkcs11, C:\usr\share\p11-kit), folders any user may create, so no path is read there and no library a
            // config there names is ever loaded.
            if (RunningOs.IsWindows)
                return new Pkcs11RegistryPaths { IgnoreUserConfig = true, ProgramName = CurrentProgramName(), NotUsedReason = WindowsReason };

            bool root = UnixFile.IsRoot();
            string home = Environment.GetEnvironmentVariable("HOME");
            if (string.IsNullOrEmpty(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            string userDir = Path.Combine(home ?? string.Empty, ".config", "pkcs11");
            string packageDir = PkgConfig.Variable("p11_module_configs") ?? FirstExisting("/usr/share/p11-kit/modules", "/usr/local/share/p11-kit/modules", "/opt/homebrew/share/p11-kit/modules");
            string moduleDir = PkgConfig.Variable("p11_module_path") ?? ProbeModuleDirectory();
            string sysconf = SysconfDirFor(packageDir);
            return new Pkcs11RegistryPaths
            {
                PackageModuleDirectory = packageDir ?? "/usr/share/p11-kit/modules",
                SystemModuleDirectory = Path.Combine(sysconf, "pkcs11", "modules"),
                SystemConfigFile = Path.Combine(sysconf, "pkcs11", "pkcs11.conf"),
                UserModuleDirectory = root ? null : Path.Combine(userDir, "modules"),
                UserConfigFile = root ? null : Path.Combine(userDir, "pkcs11.conf"),
                ModuleDirectory = moduleDir,
                IgnoreUserConfig = root || Environment.GetEnvironmentVariable("P11_KIT_NO_USER_CONFIG") != null,
                ProgramName = CurrentProgramName(),
                P11KitPresent = packageDir != null || moduleDir != null,
            };
        }

        /// <summary>Copies these paths; tests change one location without touching the others.</summary>
        public Pkcs11RegistryPaths Clone() => (Pkcs11RegistryPaths)MemberwiseClone();

        private static string SysconfDirFor(string packageDir)
        {
            // Homebrew and /usr/local builds keep their etc beside their share.
            if (packageDir != null && packageDir.StartsWith("/usr/local/", StringComparison.Ordinal)) return "/usr/local/etc";
            if (packageDir != null && packageDir.StartsWith("/opt/homebrew/", StringComparison.Ordinal)) return "/opt/homebrew/etc";
            return "/etc";
        }

        private static string ProbeModuleDirectory()
        {
            if (RunningOs.IsWindows) return null;
            string arch = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => "x86_64-linux-gnu",
                Architecture.Arm64 => "aarch64-linux-gnu",
                Architecture.X86 => "i386-linux-gnu",
                Architecture.Arm => "arm-linux-gnueabihf",
                _ => "unknown",
            };
            return FirstExisting("/usr/lib/" + arch + "/pkcs11", "/usr/lib64/pkcs11", "/usr/lib/pkcs11",
                "/usr/local/lib/pkcs11", "/opt/homebrew/lib/pkcs11");
        }

        private static string FirstExisting(params string[] dirs)
        {
            foreach (string d in dirs) if (Directory.Exists(d)) return d;
            return null;
        }

        private static string CurrentProgramName()
        {
            try
            {
                using (var p = Process.GetCurrentProcess()) return p.ProcessName;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }
    }
}
