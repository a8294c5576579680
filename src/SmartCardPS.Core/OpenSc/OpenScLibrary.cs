using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SmartCardPS.Os;

namespace SmartCardPS.OpenSc
{
    /// <summary>Where OpenSC's PKCS#11 library is installed on each platform, and how to recognise it.</summary>
    public static class OpenScLibrary
    {
        public const string LinuxFileName = "opensc-pkcs11.so";

        /// <summary>The places OpenSC installs its module, most likely first; p11-kit's module directory leads on Unix.</summary>
        public static IEnumerable<string> Candidates(string moduleDirectory)
        {
            if (RunningOs.IsWindows)
            {
                foreach (string root in new[] { Environment.GetEnvironmentVariable("ProgramFiles"), Environment.GetEnvironmentVariable("ProgramW6432"), Environment.GetEnvironmentVariable("ProgramFiles(x86)") })
                {
                    if (!string.IsNullOrEmpty(root)) yield return Path.Combine(root, "OpenSC Project", "OpenSC", "pkcs11", "opensc-pkcs11.dll");
                }
                yield return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.System), "opensc-pkcs11.dll");
                yield break;
            }
            if (moduleDirectory != null) yield return Path.Combine(moduleDirectory, LinuxFileName);
            if (RunningOs.IsMacOS)
            {
                yield return "/Library/OpenSC/lib/opensc-pkcs11.so";
                yield return "/opt/homebrew/lib/opensc-pkcs11.so";
                yield return "/usr/local/lib/opensc-pkcs11.so";
                yield break;
            }
            yield return "/usr/lib64/" + LinuxFileName;
            yield return "/usr/lib/" + LinuxFileName;
            yield return "/usr/local/lib/" + LinuxFileName;
        }

        /// <summary>The first installed candidate, or null.</summary>
        public static string Find(string moduleDirectory) => Candidates(moduleDirectory).FirstOrDefault(File.Exists);

        /// <summary>Why <see cref="Find"/> found nothing and what to do, for every command that registers OpenSC
        /// (they all take -ModulePath).</summary>
        public static string NotFoundMessage(string moduleDirectory) =>
            "OpenSC's PKCS#11 library was not found in " + string.Join(", ", Candidates(moduleDirectory)) +
            ". Install OpenSC (e.g. apt-get install opensc-pkcs11) or give its path with -ModulePath.";

        /// <summary>OpenSC's library by its file name (opensc-pkcs11, onepin-opensc-pkcs11).</summary>
        public static bool HasOpenScName(string path) =>
            path != null && Path.GetFileName(path).IndexOf("opensc-pkcs11", StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>The library's identity as the module itself reports it in C_GetInfo.</summary>
        public const string Manufacturer = "OpenSC Project";
    }
}
