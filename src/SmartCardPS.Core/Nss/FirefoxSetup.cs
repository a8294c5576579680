using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System;
using SmartCardPS.OpenSc;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.Nss
{
    /// <summary>
    /// The Firefox part of a smart-card setup check, for Test-SmartCardSetup: the ArchWiki's "Load the module in
    /// Firefox" and "restart Firefox if the reader was plugged in after it started", per profile.
    /// </summary>
    public static class FirefoxSetup
    {
        public static List<FirefoxModuleStatus> Inspect(IEnumerable<FirefoxProfile> profiles) => profiles.Select(Inspect).ToList();

        public static FirefoxModuleStatus Inspect(FirefoxProfile profile)
        {
            var status = new FirefoxModuleStatus { Profile = profile };
            NssModuleFile file;
            try
            {
                file = NssModuleFile.Read(profile.Path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                status.Problem = $"The profile's pkcs11.txt cannot be read: {ex.Message}";
                return status;
            }
            status.Module = file.Modules.FirstOrDefault(m => OpenScLibrary.HasOpenScName(m.Library) || NssModuleLibrary.IsP11KitProxy(m.Library));
            if (status.Module == null)
            {
                status.Problem = $"Firefox profile {UntrustedText.Quote(profile.Name)} loads neither OpenSC nor p11-kit-proxy, so it cannot use smart cards.";
                status.Remedy = $"Register-NssModule -Profile {UntrustedText.Argument(profile.Name)}" + (profile.IsRunning ? " -Force, then restart Firefox" : "");
                return status;
            }
            int pid = ProfileLock.Holder(profile.Path);
            if (pid > 0 && !HasLoaded(pid, status.Module.Library, file.Path))
            {
                status.NeedsRestart = true;
                status.Problem = $"Firefox (process {pid}) started before {UntrustedText.Quote(status.Module.Name)} was registered in profile {UntrustedText.Quote(profile.Name)}, so it has not loaded it.";
                status.Remedy = "Restart Firefox.";
            }
            return status;
        }

        /// <summary>On Linux the process's mappings tell exactly; elsewhere, whether it started after pkcs11.txt last changed.</summary>
        private static bool HasLoaded(int pid, string library, string pkcs11Txt)
        {
            string maps = $"/proc/{pid}/maps";
            if (RunningOs.IsLinux && File.Exists(maps))
            {
                try
                {
                    string real = UnixFile.RealPath(Path.GetFullPath(library));
                    return File.ReadLines(maps).Any(l => l.EndsWith(" " + real, StringComparison.Ordinal) || l.EndsWith(" " + library, StringComparison.Ordinal));
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                }
            }
            try
            {
                using (var process = Process.GetProcessById(pid))
                {
                    return process.StartTime.ToUniversalTime() >= File.GetLastWriteTimeUtc(pkcs11Txt);
                }
            }
            catch (Exception ex) when (ex is ArgumentException || ex is InvalidOperationException || ex is System.ComponentModel.Win32Exception)
            {
                return true;
            }
        }
    }
}
