using System.Collections.Generic;
using System.IO;
using System.Linq;
using SmartCardPS.Os;
using SmartCardPS.Usb;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>pcsc-lite has a reader driver: a USB bundle (ifd-ccid.bundle or a vendor's) or a serial driver in reader.conf.d.</summary>
    public sealed class ReaderDriverCheck : ISetupCheck
    {
        public const string Name = "Reader driver";

        public int Order => 400;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            if (!RunningOs.IsLinux)
            {
                yield return new SetupCheck(Name, SetupStatus.Skip, "the operating system brings its own CCID class driver");
                yield break;
            }
            var drivers = CcidSupportedReaders.InstalledBundles(context.Root).Select(Path.GetFileName).ToList();
            string confDir = CcidSupportedReaders.Rooted(context.Root, "/etc/reader.conf.d");
            if (Directory.Exists(confDir))
                drivers.AddRange(Directory.GetFiles(confDir).Where(f => !Path.GetFileName(f).StartsWith(".", System.StringComparison.Ordinal))
                    .Select(f => "reader.conf.d/" + Path.GetFileName(f)));
            if (drivers.Count == 0)
            {
                yield return new SetupCheck(Name, SetupStatus.Fail, "no reader driver: no *.bundle under " + string.Join(" or ", CcidSupportedReaders.DriverDirectories()) + " and nothing in /etc/reader.conf.d",
                    context.Platform.Install("ccid"));
                yield break;
            }
            yield return new SetupCheck(Name, SetupStatus.Pass, string.Join(", ", drivers));
        }
    }
}
