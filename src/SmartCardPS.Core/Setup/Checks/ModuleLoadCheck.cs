using System.Collections.Generic;
using System.Linq;
using SmartCardPS.Os;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>Every module p11-kit loads works; a broken critical one makes p11-kit fail for every program.</summary>
    public sealed class ModuleLoadCheck : ISetupCheck
    {
        public const string Name = "PKCS#11 modules";

        public int Order => 1100;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            if (!context.Registry.Paths.P11KitPresent)
            {
                yield return new SetupCheck(Name, SetupStatus.Skip, context.Registry.Paths.AbsenceReason);
                yield break;
            }
            if (context.ModuleProbes.Count == 0)
            {
                yield return new SetupCheck(Name, SetupStatus.Pass, "p11-kit loads no module, so none can break it");
                yield break;
            }
            var broken = context.ModuleProbes.Where(p => p.Error != null).ToList();
            if (broken.Count == 0)
            {
                yield return new SetupCheck(Name, SetupStatus.Pass, $"all {context.ModuleProbes.Count} module(s) load: " +
                    string.Join(", ", context.ModuleProbes.Select(p => p.Module.Name)));
                yield break;
            }
            var critical = broken.Where(p => p.Module.Critical).ToList();
            var shown = critical.Count > 0 ? critical : broken;
            string detail = string.Join("; ", shown.Select(p => $"{UntrustedText.Quote(p.Module.Name)} ({UntrustedText.Escape(p.Module.ConfigFile)}) does not load: {UntrustedText.Escape(p.Error.Reason)}{Blame(p)}"));
            string remedy = string.Join("; ", shown.Select(p => RemedyFor(p, context.Registry.Paths.UserModuleDirectory)));
            yield return critical.Count > 0
                ? new SetupCheck(Name, SetupStatus.Fail, "critical: p11-kit fails for every program while " + detail, remedy)
                : new SetupCheck(Name, SetupStatus.Warn, "p11-kit skips it: " + detail, remedy);
        }

        // Only a library that cannot be found or loaded is the config's fault; one that loads and then fails in
        // C_Initialize has a right module: line and its own configuration wrong (SoftHSM with an unreadable SOFTHSM2_CONF).
        private static bool ConfigAtFault(ModuleProbe p) =>
            p.Error.Kind == Pkcs11FailureKind.NotFound || p.Error.Kind == Pkcs11FailureKind.NotLoadable || p.Error.Kind == Pkcs11FailureKind.NotPkcs11;

        private static string Blame(ModuleProbe p)
        {
            string critical = p.Module.Critical ? " (or set critical: no in it)" : "";
            if (ConfigAtFault(p)) return $"; fix its module: line{critical}, or remove the config";
            if (p.Error.Kind == Pkcs11FailureKind.Untrusted) return critical;
            return $"; its library loads, so the module's own configuration is at fault, not its module: line{critical}";
        }

        /// <summary>A command to paste where one fixes it (the config removed); otherwise what to look at.</summary>
        private static string RemedyFor(ModuleProbe p, string userModuleDirectory)
        {
            string library = UntrustedText.Escape(p.Module.Path);
            if (p.Error.Kind == Pkcs11FailureKind.Untrusted)
                return $"make {library} and every directory above it writable by root alone (chown root; chmod go-w)";
            if (!ConfigAtFault(p))
                return $"fix the configuration of {UntrustedText.Quote(p.Module.Name)} ({library}), which it reads in C_Initialize (SoftHSM: the file SOFTHSM2_CONF names, and its token directory, readable by this user); then Test-SmartCardSetup -Check {UntrustedText.Argument(Name)}";
            string command = "Unregister-Pkcs11Module -Path " + UntrustedText.Argument(p.Module.ConfigFile);
            bool own = UnixFile.IsRoot() || (userModuleDirectory != null && PathComparison.IsDirectlyIn(p.Module.ConfigFile, userModuleDirectory));
            return own ? command : "sudo pwsh -c " + UntrustedText.Argument(command);
        }
    }
}
