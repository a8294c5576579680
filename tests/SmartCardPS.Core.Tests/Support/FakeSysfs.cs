using System;
using System.Collections.Generic;
using System.IO;

namespace SmartCardPS.Tests.Support
{
    /// <summary>A sysfs tree in a temporary directory laid out as the kernel lays it out: devices under sys/devices, links in sys/bus/usb/devices.</summary>
    internal sealed class FakeSysfs : IDisposable
    {
        public string Root { get; } = Path.Combine(Path.GetTempPath(), "smartcardps-sysfs-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        private string Bus => Path.Combine(Root, "sys/bus/usb/devices");

        public FakeSysfs() => Directory.CreateDirectory(Bus);

        public void Dispose() => Directory.Delete(Root, recursive: true);

        /// <summary>Adds device <paramref name="port"/> (e.g. 1-2) with interface :1.0 of <paramref name="interfaceClass"/>; returns the interface directory.</summary>
        public string AddDevice(string port, string vid, string pid, string interfaceClass, IDictionary<string, string> deviceAttrs = null,
            IDictionary<string, string> interfaceAttrs = null, string driver = null, string tty = null)
        {
            string device = Path.Combine(Root, "sys/devices/pci0000:00/0000:00:14.0/usb1", port);
            string iface = Path.Combine(device, port + ":1.0");
            Directory.CreateDirectory(iface);
            Write(device, "idVendor", vid);
            Write(device, "idProduct", pid);
            foreach (var kv in deviceAttrs ?? new Dictionary<string, string>()) Write(device, kv.Key, kv.Value);
            Write(iface, "bInterfaceClass", interfaceClass);
            foreach (var kv in interfaceAttrs ?? new Dictionary<string, string>()) Write(iface, kv.Key, kv.Value);
            if (driver != null)
            {
                string drivers = Path.Combine(Root, "sys/bus/usb/drivers", driver);
                Directory.CreateDirectory(drivers);
                File.CreateSymbolicLink(Path.Combine(iface, "driver"), Path.GetRelativePath(iface, drivers));
            }
            if (tty != null) Directory.CreateDirectory(Path.Combine(iface, tty, "tty", tty));
            File.CreateSymbolicLink(Path.Combine(Bus, port), Path.GetRelativePath(Bus, device));
            File.CreateSymbolicLink(Path.Combine(Bus, port + ":1.0"), Path.GetRelativePath(Bus, iface));
            return iface;
        }

        private static void Write(string dir, string name, string value) => File.WriteAllText(Path.Combine(dir, name), value + "\n");
    }
}
