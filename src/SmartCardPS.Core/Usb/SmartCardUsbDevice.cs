namespace SmartCardPS.Usb
{
    /// <summary>One smart-card reader found on the USB bus, whether or not the PC/SC service lists it.</summary>
    public sealed class SmartCardUsbDevice
    {
        /// <summary>Ccid or Serial (<see cref="SmartCardUsbKind"/>).</summary>
        public string Kind { get; set; }

        /// <summary>Four lowercase hex digits, as lsusb and udev rules spell it.</summary>
        public string VendorId { get; set; }
        public string ProductId { get; set; }
        public string Manufacturer { get; set; }
        public string Product { get; set; }
        public string Serial { get; set; }

        /// <summary>The USB interface's name string, which pcscd puts in brackets in the reader name.</summary>
        public string Interface { get; set; }

        /// <summary>/dev/bus/usb/BBB/DDD for CCID readers, /dev/ttyUSBn for serial ones.</summary>
        public string DevicePath { get; set; }
        public string SysfsPath { get; set; }

        /// <summary>The kernel driver bound to the interface (usbfs once pcscd's libusb has claimed a CCID reader, ftdi_sio for an FTDI adapter).</summary>
        public string Driver { get; set; }

        /// <summary>Whether libccid's Info.plist lists this vendor and product id.</summary>
        public bool SupportedByCcid { get; set; }

        /// <summary>The name the PC/SC service lists this reader under, or the name it would give it (libccid's name, [interface], (serial), index).</summary>
        public string ReaderName { get; set; }

        /// <summary>Whether the PC/SC service lists this reader now.</summary>
        public bool Listed { get; set; }

        public override string ToString() => $"{VendorId}:{ProductId} {Product}";
    }
}
