using System;
using System.Collections.Generic;
using SmartCardPS.Interop;
using SmartCardPS.Os;
using SmartCardPS.Pcsc;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>The PC/SC client library (libpcsclite, winscard.dll, PCSC.framework) loads in this process.</summary>
    public sealed class PcscLibraryCheck : ISetupCheck
    {
        public const string Name = "PC/SC library";

        public int Order => 100;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            string library = RunningOs.IsWindows ? "winscard.dll"
                : RunningOs.IsMacOS ? "PCSC.framework" : "libpcsclite.so.1";
            string failure = null;
            try
            {
                // A stopped service is a return code here: only a missing library throws.
                if (PcscPlatform.Api.EstablishContext(ScardScope.System, out IntPtr handle) == ScardError.Success) PcscPlatform.Api.ReleaseContext(handle);
            }
            catch (DllNotFoundException ex)
            {
                failure = ex.Message;
            }
            yield return failure == null
                ? new SetupCheck(Name, SetupStatus.Pass, $"{library} loads")
                : new SetupCheck(Name, SetupStatus.Fail, $"{library} does not load: {failure}",
                    context.Platform.Family == PlatformFamily.Debian ? "sudo apt-get install libpcsclite1" : context.Platform.Install("pcscd"));
        }
    }
}
