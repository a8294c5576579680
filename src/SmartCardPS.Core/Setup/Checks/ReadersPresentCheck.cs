using System.Collections.Generic;
using System.Linq;
using SmartCardPS.Text;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>The PC/SC service lists at least one reader (a failure only with -RequireReader).</summary>
    public sealed class ReadersPresentCheck : ISetupCheck
    {
        public const string Name = "Readers";

        public int Order => 600;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            if (context.Readers == null)
            {
                yield return new SetupCheck(Name, SetupStatus.Skip, "the PC/SC service does not answer");
                yield break;
            }
            if (context.Readers.Count == 0)
            {
                yield return new SetupCheck(Name, context.Options.RequireReader ? SetupStatus.Fail : SetupStatus.Warn, "the PC/SC service lists no reader",
                    "plug in a reader; Get-SmartCardUsbDevice shows whether the system sees it and whether ccid supports it");
                yield break;
            }
            yield return new SetupCheck(Name, SetupStatus.Pass, string.Join(", ", context.Readers.Select(r => UntrustedText.Quote(r.Name))));
        }
    }
}
