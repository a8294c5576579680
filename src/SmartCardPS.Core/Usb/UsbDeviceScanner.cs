using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.Usb
{
    /// <summary>
    /// Finds smart-card readers in Linux sysfs: interfaces of class 0x0B (CCID) and USB serial adapters with a
    /// tty node. Reads files only, so a fake tree (tests, umockdev) serves as well as the kernel's.
    /// </summary>
    public static class UsbDeviceScanner
    {
        public const string CcidInterfaceClass = "0b";
        private static readonly Regex TtyNode = new Regex(@"^tty(USB|ACM)\d+$", RegexOptions.CultureInvariant);

        /// <summary>
        /// The readers under <paramref name="sysfsRoot"/>/sys/bus/usb/devices, each matched against libccid's list and
        /// the PC/SC service's <paramref name="pcscReaders"/> (an empty list when the service is not running).
        /// </summary>
        public static List<SmartCardUsbDevice> Scan(string sysfsRoot, CcidSupportedReaders ccid, IReadOnlyCollection<string> pcscReaders)
        {
            string devices = CcidSupportedReaders.Rooted(sysfsRoot, "/sys/bus/usb/devices");
            var found = new List<SmartCardUsbDevice>();
            if (!Directory.Exists(devices)) return found;
            foreach (string iface in Directory.GetDirectories(devices).Where(d => Path.GetFileName(d).Contains(":")).OrderBy(d => d, StringComparer.Ordinal))
            {
                string device = Path.Combine(devices, Path.GetFileName(iface).Split(':')[0]);
                if (!Directory.Exists(device)) continue;
                string tty = TtyOf(iface);
                bool ccidClass = string.Equals(Attr(iface, "bInterfaceClass"), CcidInterfaceClass, StringComparison.OrdinalIgnoreCase);
                if (!ccidClass && tty == null) continue;
                found.Add(Describe(device, iface, tty, ccidClass ? SmartCardUsbKind.Ccid : SmartCardUsbKind.Serial, ccid, pcscReaders));
            }
            return found;
        }

        private static SmartCardUsbDevice Describe(string device, string iface, string tty, string kind, CcidSupportedReaders ccid,
            IReadOnlyCollection<string> pcscReaders)
        {
            var d = new SmartCardUsbDevice
            {
                Kind = kind,
                VendorId = Attr(device, "idVendor")?.ToLowerInvariant(),
                ProductId = Attr(device, "idProduct")?.ToLowerInvariant(),
                Manufacturer = Attr(device, "manufacturer"),
                Product = Attr(device, "product"),
                Serial = Attr(device, "serial"),
                Interface = Attr(iface, "interface"),
                SysfsPath = Path.GetFullPath(iface),
                Driver = DriverOf(iface),
            };
            d.DevicePath = tty != null ? "/dev/" + tty : UsbNode(device);
            string friendly = Hex.TryParseNumber(d.VendorId, out int vid) && Hex.TryParseNumber(d.ProductId, out int pid) ? ccid.FriendlyName(vid, pid) : null;
            d.SupportedByCcid = kind == SmartCardUsbKind.Ccid && friendly != null;
            if (friendly != null && kind == SmartCardUsbKind.Ccid)
            {
                string baseName = PcscReaderBaseName(friendly, d.Interface, d.Serial);
                // pcscd appends " NN SS": an index that tells equal names apart, and the slot.
                string listed = pcscReaders.FirstOrDefault(r => r.Length == baseName.Length + 6 && r.StartsWith(baseName + " ", StringComparison.Ordinal));
                d.Listed = listed != null;
                d.ReaderName = listed ?? baseName + " 00 00";
            }
            return d;
        }

        /// <summary>The name pcsc-lite's libudev hotplug builds: the driver's name, then [interface] and (serial) when the device has them.</summary>
        public static string PcscReaderBaseName(string friendlyName, string interfaceName, string serial)
        {
            string name = friendlyName;
            if (!string.IsNullOrEmpty(interfaceName)) name += " [" + interfaceName + "]";
            // pcscd leaves the serial out when the interface name already contains it.
            if (!string.IsNullOrEmpty(serial) && (string.IsNullOrEmpty(interfaceName) || interfaceName.IndexOf(serial, StringComparison.Ordinal) < 0))
                name += " (" + serial + ")";
            return name;
        }

        private static string TtyOf(string iface)
        {
            foreach (string child in Directory.GetDirectories(iface))
            {
                string name = Path.GetFileName(child);
                if (TtyNode.IsMatch(name)) return name;
                if (name == "tty")
                {
                    string node = Directory.GetDirectories(child).Select(Path.GetFileName).FirstOrDefault(n => TtyNode.IsMatch(n));
                    if (node != null) return node;
                }
            }
            return null;
        }

        private static string UsbNode(string device)
        {
            string devName = Uevent(device, "DEVNAME");
            if (devName != null) return devName.StartsWith("/", StringComparison.Ordinal) ? devName : "/dev/" + devName;
            return int.TryParse(Attr(device, "busnum"), out int bus) && int.TryParse(Attr(device, "devnum"), out int dev)
                ? $"/dev/bus/usb/{bus:D3}/{dev:D3}" : null;
        }

        private static string DriverOf(string iface)
        {
            // The link's target names the driver (…/bus/usb/drivers/usbfs); its own name is always "driver".
            string target = UnixFile.ReadLink(Path.Combine(iface, "driver"));
            if (target != null) return Path.GetFileName(target.TrimEnd('/'));
            return Uevent(iface, "DRIVER");
        }

        private static string Uevent(string dir, string key)
        {
            string file = Path.Combine(dir, "uevent");
            if (!File.Exists(file)) return null;
            string prefix = key + "=";
            return File.ReadAllLines(file).Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l.Substring(prefix.Length)).FirstOrDefault();
        }

        private static string Attr(string dir, string name)
        {
            string file = Path.Combine(dir, name);
            try
            {
                return File.Exists(file) ? File.ReadAllText(file).TrimEnd('\n', '\r', ' ') : null;
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
