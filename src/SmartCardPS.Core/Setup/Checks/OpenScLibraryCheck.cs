using System.Collections.Generic;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>OpenSC's PKCS#11 library is installed.</summary>
    public sealed class OpenScLibraryCheck : ISetupCheck
    {
        public const string Name = "OpenSC library";

        public int Order => 800;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            string path = context.OpenScLibraryPath;
            yield return path != null
                ? new SetupCheck(Name, SetupStatus.Pass, path)
                : new SetupCheck(Name, SetupStatus.Fail, "opensc-pkcs11 is not installed in any of its usual places", context.Platform.Install("opensc"));
        }
    }
}
