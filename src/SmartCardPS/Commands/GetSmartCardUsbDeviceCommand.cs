using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Os;
using SmartCardPS.Pcsc;
using SmartCardPS.Usb;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the smart-card readers plugged in over USB, whether the PC/SC service sees them, and
    /// whether the CCID driver supports them.</para>
    /// <para type="description">Reads Linux sysfs for USB interfaces of class 0x0B (CCID readers) and for USB serial
    /// adapters with a tty node (the FTDI 0403:6001 of Smargo and Phoenix readers, Prolific, CH340, CDC ACM). Emits one
    /// SmartCardUsbDevice per reader: VendorId and ProductId as lsusb spells them, Manufacturer, Product, Serial,
    /// DevicePath (/dev/bus/usb/BBB/DDD or /dev/ttyUSBn), the bound kernel Driver, SupportedByCcid (whether libccid's
    /// Info.plist lists the vendor and product id), ReaderName (the name the PC/SC service lists it under, or the name
    /// it would give it) and Listed (whether the PC/SC service lists it now). A reader that is plugged in and supported
    /// but not Listed usually needs pcscd restarted; one that is not supported needs its vendor's driver. When the
    /// PC/SC service is not running, a warning says so and no device is Listed. Linux only; elsewhere a NotImplemented
    /// error.</para>
    /// </summary>
    /// <example>
    /// <code>Get-SmartCardUsbDevice</code>
    /// <para>Lists the USB readers with their ids, driver support and PC/SC names.</para>
    /// </example>
    /// <example>
    /// <code>Get-SmartCardUsbDevice | Where-Object { -not $_.Listed }</code>
    /// <para>The readers that are plugged in but that the PC/SC service does not list.</para>
    /// </example>
    /// <example>
    /// <code>Get-SmartCardUsbDevice -Kind Serial | New-SmartCardUdevRule -Name smargo -WhatIf</code>
    /// <para>Shows the udev rule that would give a serial reader a fixed name.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "SmartCardUsbDevice")]
    [OutputType(typeof(SmartCardUsbDevice))]
    public sealed class GetSmartCardUsbDeviceCommand : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">Only readers of this kind: Ccid or Serial.</para>
        /// </summary>
        [Parameter(Position = 0, HelpMessage = "Ccid or Serial.")]
        [ValidateSet(SmartCardUsbKind.Ccid, SmartCardUsbKind.Serial, IgnoreCase = true)]
        public string[] Kind { get; set; }

        /// <summary>
        /// <para type="description">A directory holding a sys/ tree to read instead of the system's /sys, and whose
        /// usr/lib/pcsc/drivers is read for libccid's list; for tests and for trees copied from another machine.</para>
        /// </summary>
        [Parameter(HelpMessage = "A directory holding a sys/ tree to read instead of /sys.")]
        [ValidateNotNullOrEmpty]
        public string SysfsRoot { get; set; }

        protected override void EndProcessing()
        {
            if (!RunningOs.IsLinux && SysfsRoot == null)
            {
                ThrowTerminatingError(NewError(new PlatformNotSupportedException(
                    "Get-SmartCardUsbDevice reads Linux sysfs; on Windows use Get-PnpDevice -Class SmartCardReader, on macOS system_profiler SPUSBDataType."),
                    "NotSupported", ErrorCategory.NotImplemented, null));
            }
            string root = SysfsRoot == null ? "/" : SessionState.Path.GetUnresolvedProviderPathFromPSPath(SysfsRoot);
            CcidSupportedReaders ccid = CcidSupportedReaders.Load(root);
            if (ccid.Path == null && root != "/") ccid = CcidSupportedReaders.Load("/");
            if (ccid.Path == null) WriteWarning("The CCID driver (libccid) is not installed, so no reader counts as supported by it.");
            foreach (SmartCardUsbDevice device in UsbDeviceScanner.Scan(root, ccid, PcscReaders()))
            {
                if (Kind == null || Kind.Any(k => string.Equals(k, device.Kind, StringComparison.OrdinalIgnoreCase))) WriteObject(device);
            }
        }

        private IReadOnlyCollection<string> PcscReaders()
        {
            try
            {
                using (var context = PcscContext.Establish()) return context.ListReaders();
            }
            catch (PcscException ex)
            {
                WriteWarning($"The PC/SC service did not answer ({ex.ErrorName}), so no reader is Listed.");
                return Array.Empty<string>();
            }
        }
    }
}
