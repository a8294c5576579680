using System.Collections.Generic;
using System;
using SmartCardPS.Nss;
using SmartCardPS.Text;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>
    /// Each Firefox profile of the user loads OpenSC or p11-kit-proxy (the ArchWiki's "Load the module in
    /// Firefox"), and a Firefox that started before the module was registered is restarted (its "Firefox can't
    /// access data"). One finding per profile; no profile, no finding but a Skip.
    /// </summary>
    public sealed class FirefoxModuleCheck : ISetupCheck
    {
        public const string Name = "Firefox security device";

        private readonly Func<List<FirefoxProfile>> profiles;

        public FirefoxModuleCheck() : this(FirefoxProfiles.FindAll) { }

        internal FirefoxModuleCheck(Func<List<FirefoxProfile>> profiles)
        {
            this.profiles = profiles;
        }

        public int Order => 1300;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            List<FirefoxProfile> found = profiles();
            if (found.Count == 0)
            {
                yield return new SetupCheck(Name, SetupStatus.Skip, "this user has no Firefox profile");
                yield break;
            }
            foreach (FirefoxModuleStatus status in FirefoxSetup.Inspect(found))
            {
                if (status.Problem == null)
                {
                    yield return new SetupCheck(Name, SetupStatus.Pass,
                        $"profile {UntrustedText.Quote(status.Profile.Name)} loads {UntrustedText.Quote(status.Module.Name)} ({UntrustedText.Escape(status.Module.Library)})");
                }
                else
                {
                    yield return new SetupCheck(Name, status.NeedsRestart ? SetupStatus.Warn : SetupStatus.Fail, status.Problem, status.Remedy);
                }
            }
        }
    }
}
