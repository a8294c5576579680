using System.Collections.Generic;
using System.Linq;
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
            string detail = string.Join("; ", shown.Select(p => $"{UntrustedText.Quote(p.Module.Name)} ({UntrustedText.Escape(p.Module.ConfigFile)}) does not load: {UntrustedText.Escape(p.Error.Reason)}"));
            string remedy = string.Join("; ", shown.Select(p => $"fix the module: line of {UntrustedText.Escape(p.Module.ConfigFile)} or remove the file"));
            yield return critical.Count > 0
                ? new SetupCheck(Name, SetupStatus.Fail, "critical: p11-kit fails for every program while " + detail, remedy + ", or set critical: no in it")
                : new SetupCheck(Name, SetupStatus.Warn, "p11-kit skips it: " + detail, remedy);
        }
    }
}
