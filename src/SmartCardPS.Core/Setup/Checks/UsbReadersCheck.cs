using System.Collections.Generic;
using System.IO;
using System.Linq;
using SmartCardPS.Os;
using SmartCardPS.Text;
using SmartCardPS.Usb;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>Every USB reader plugged in is listed by pcscd; one that is not is either waiting for a restart or unknown to libccid.</summary>
    public sealed class UsbReadersCheck : ISetupCheck
    {
        public const string Name = "USB readers";

        public int Order => 500;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            if (!RunningOs.IsLinux)
            {
                yield return new SetupCheck(Name, SetupStatus.Skip, "USB readers are read from Linux sysfs only");
                yield break;
            }
            if (!Directory.Exists(CcidSupportedReaders.Rooted(context.Root, "/sys/bus/usb/devices")))
            {
                yield return new SetupCheck(Name, SetupStatus.Skip, "no USB bus is visible (/sys/bus/usb/devices is missing, as in many containers)");
                yield break;
            }
            yield return Judge(context.UsbDevices, context.Readers != null, context.Platform);
        }

        public static SetupCheck Judge(IReadOnlyList<SmartCardUsbDevice> devices, bool serviceAnswers, SetupPlatform platform)
        {
            if (devices.Count == 0) return new SetupCheck(Name, SetupStatus.Pass, "no USB smart-card reader is plugged in");
            var details = new List<string>();
            var remedies = new List<string>();
            string status = SetupStatus.Pass;
            foreach (SmartCardUsbDevice d in devices)
            {
                string id = $"{d.VendorId}:{d.ProductId} {d.Manufacturer} {d.Product}".Trim();
                if (d.Kind == SmartCardUsbKind.Serial)
                {
                    details.Add($"{id}: a serial reader at {d.DevicePath} (pcscd does not use it; softcams such as OSCam open the tty)");
                }
                else if (d.Listed)
                {
                    details.Add($"{id}: listed as {UntrustedText.Quote(d.ReaderName)}");
                }
                else if (!serviceAnswers)
                {
                    details.Add($"{id}: plugged in; whether pcscd lists it is unknown, as the PC/SC service does not answer");
                }
                else if (d.SupportedByCcid)
                {
                    details.Add($"{id}: plugged in, supported by ccid, but pcscd does not list it");
                    remedies.Add(platform.RestartService());
                    status = SetupStatus.Fail;
                }
                else
                {
                    details.Add($"{id}: plugged in, but not in ccid's supported list, so this reader needs its vendor's driver");
                    remedies.Add($"install the pcsc-lite driver from the vendor of {d.VendorId}:{d.ProductId} (see https://ccid.apdu.fr/ for readers ccid supports), then {platform.RestartService()}");
                    if (status == SetupStatus.Pass) status = SetupStatus.Warn;
                }
            }
            return new SetupCheck(Name, status, string.Join("; ", details), remedies.Count == 0 ? null : string.Join("; ", remedies.Distinct()));
        }
    }
}
