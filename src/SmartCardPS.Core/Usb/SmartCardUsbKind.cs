namespace SmartCardPS.Usb
{
    /// <summary>How a USB smart-card reader talks to the host; strings, so JSON and remoting show the word.</summary>
    public static class SmartCardUsbKind
    {
        /// <summary>A USB CCID interface (class 0x0B), driven by libccid or a vendor's pcsc-lite driver.</summary>
        public const string Ccid = "Ccid";

        /// <summary>A USB serial adapter (FTDI, Prolific, CH340, CDC ACM) with a tty node, as Smargo and Phoenix readers are.</summary>
        public const string Serial = "Serial";
    }
}
