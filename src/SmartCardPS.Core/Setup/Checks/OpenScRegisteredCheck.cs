using System.Collections.Generic;
using System.Linq;
using SmartCardPS.OpenSc;
using SmartCardPS.Os;
using SmartCardPS.P11Kit;
using SmartCardPS.Text;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>p11-kit loads OpenSC, so p11tool, GnuTLS and other p11-kit users see the cards (the ArchWiki's p11tool tip).</summary>
    public sealed class OpenScRegisteredCheck : ISetupCheck
    {
        public const string Name = "OpenSC registered with p11-kit";

        public int Order => 900;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            if (!context.Registry.Paths.P11KitPresent)
            {
                yield return new SetupCheck(Name, SetupStatus.Skip, context.Registry.Paths.AbsenceReason);
                yield break;
            }
            string library = context.OpenScLibraryPath;
            if (library == null)
            {
                yield return new SetupCheck(Name, SetupStatus.Skip, "OpenSC's PKCS#11 library is not installed");
                yield break;
            }
            Pkcs11Module module = context.Registry.Modules.FirstOrDefault(m => m.Path != null &&
                (OpenScLibrary.HasOpenScName(m.Path) || PathComparison.Same(m.Path, library)));
            if (module == null)
            {
                yield return new SetupCheck(Name, SetupStatus.Fail, "no p11-kit module config names " + UntrustedText.Escape(library),
                    UnixFile.IsRoot() ? "Register-OpenScModule" : "sudo pwsh -c Register-OpenScModule (or Register-OpenScModule -Scope User)");
                yield break;
            }
            yield return module.Enabled
                ? new SetupCheck(Name, SetupStatus.Pass, $"module {UntrustedText.Quote(module.Name)} in {UntrustedText.Escape(module.ConfigFile)}")
                : new SetupCheck(Name, SetupStatus.Warn, $"module {UntrustedText.Quote(module.Name)} in {UntrustedText.Escape(module.ConfigFile)} is not loaded here (enable-in/disable-in)",
                    $"edit enable-in/disable-in in {UntrustedText.Escape(module.ConfigFile)}, or Register-OpenScModule -Force");
        }
    }
}
