using System.Collections.Generic;
using SmartCardPS.Interop;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>The PC/SC service (pcscd, SCardSvr) answers.</summary>
    public sealed class PcscServiceCheck : ISetupCheck
    {
        public const string Name = "PC/SC service";

        public int Order => 200;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            if (context.Readers != null)
            {
                yield return new SetupCheck(Name, SetupStatus.Pass, $"answers, listing {context.Readers.Count} reader(s)");
                yield break;
            }
            PcscException error = context.PcscError;
            if (PolkitRefusal.Is(error.Error))
            {
                yield return new SetupCheck(Name, SetupStatus.Fail,
                    $"pcscd's polkit policy refused this user ({error.ErrorName}, action {PolkitRefusal.AccessPcsc})", PolkitRefusal.Remedy);
                yield break;
            }
            bool down = error.Error == ScardError.NoService || error.Error == ScardError.ServiceStopped;
            yield return new SetupCheck(Name, SetupStatus.Fail,
                down ? $"not running ({error.ErrorName})" : $"does not answer: {error.Message}",
                down ? context.Platform.StartService() : context.Platform.RestartService());
        }
    }
}
