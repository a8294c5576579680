using System.Collections.Generic;
using SmartCardPS.Interop;
using SmartCardPS.Pcsc;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>The PC/SC service (pcscd, SCardSvr) answers, and how pcscd was built (with polkit or not) when it says.</summary>
    public sealed class PcscServiceCheck : ISetupCheck
    {
        public const string Name = "PC/SC service";

        public int Order => 200;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            PcscdBuild build = context.Pcscd;
            string built = build == null ? "" : $" ({build.Describe()})";
            if (context.Readers != null)
            {
                yield return new SetupCheck(Name, SetupStatus.Pass, $"answers, listing {context.Readers.Count} reader(s){built}");
                yield break;
            }
            PcscException error = context.PcscError;
            // A pcscd built without polkit refuses nobody: the same code then means it closed the connection as it stopped.
            if (PolkitRefusal.Is(error.Error) && (build == null || build.Polkit))
            {
                yield return new SetupCheck(Name, SetupStatus.Fail,
                    $"pcscd's polkit policy refused this user ({error.ErrorName}, action {PolkitRefusal.AccessPcsc}){built}", PolkitRefusal.Remedy);
                yield break;
            }
            bool down = error.Error == ScardError.NoService || error.Error == ScardError.ServiceStopped;
            string why = PolkitRefusal.Is(error.Error) ? $"it closed the connection ({error.ErrorName}), as it does while stopping" : error.Message;
            yield return new SetupCheck(Name, SetupStatus.Fail,
                down ? $"not running ({error.ErrorName})" : $"does not answer: {why}{built}",
                down ? context.Platform.StartService() : context.Platform.RestartService());
        }
    }
}
