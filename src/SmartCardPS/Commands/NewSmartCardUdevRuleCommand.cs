using System;
using System.IO;
using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Udev;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Writes a udev rule that gives a USB smart-card reader (such as a Smargo serial reader) a
    /// group, mode and fixed /dev name.</para>
    /// <para type="description">Writes the rule of the ArchWiki's Smargo example, safer by default: SUBSYSTEM=="tty",
    /// ATTRS{idVendor}, ATTRS{idProduct}, ATTRS{serial} when -Serial is given, GROUP="dialout", MODE="0660" and
    /// SYMLINK+="NAME", to PRIORITY-NAME.rules in /etc/udev/rules.d (or -RulesDirectory). The page's MODE="0666" lets
    /// every user on the machine use the reader: it is written only when asked for with -Mode, and then with a warning.
    /// Without -Serial the rule matches every adapter with these ids (0403:6001 is every FTDI adapter), and a warning
    /// says so. The file is written atomically; an existing file with other content is an error unless -Force. udev
    /// then reads the file (udevadm test, whose complaints about the file are errors, and the previous file is put
    /// back) and the rule is applied (udevadm control --reload, then udevadm trigger for the subsystem); when udevd is
    /// not running that is a warning, and the rule applies when udev next starts. A directory udev does not read is
    /// written but not checked, with a warning. Emits the UdevRule.</para>
    /// </summary>
    /// <example>
    /// <code>New-SmartCardUdevRule -Name smargo -VendorId 0403 -ProductId 6001 -Serial A1B2C3 -WhatIf</code>
    /// <para>Shows the rule for one Smargo reader and where it would go, without writing it.</para>
    /// </example>
    /// <example>
    /// <code>Get-SmartCardUsbDevice -Kind Serial | New-SmartCardUdevRule -Name smargo -Group video</code>
    /// <para>Gives the serial reader found on the USB bus the name /dev/smargo, usable by members of the video group
    /// (as the ArchWiki does for TV cards).</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "SmartCardUdevRule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(UdevRule))]
    public sealed class NewSmartCardUdevRuleCommand : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">The rule's name: the file name (PRIORITY-NAME.rules) and, unless -Symlink, the /dev
        /// name.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, HelpMessage = "The rule's name, used for the file and the /dev symlink.")]
        public string Name { get; set; }

        /// <summary>
        /// <para type="description">The USB vendor id, four hex digits as lsusb prints them (0403 for FTDI); 0x0403
        /// works too.</para>
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, HelpMessage = "The USB vendor id, four hex digits.")]
        public string VendorId { get; set; }

        /// <summary>
        /// <para type="description">The USB product id, four hex digits (6001 for the FTDI FT232R of Smargo readers);
        /// 0x6001 works too.</para>
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, HelpMessage = "The USB product id, four hex digits.")]
        public string ProductId { get; set; }

        /// <summary>
        /// <para type="description">The adapter's USB serial number, so the rule matches this reader and no other
        /// adapter with the same ids.</para>
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "The adapter's USB serial number.")]
        public string Serial { get; set; }

        /// <summary>
        /// <para type="description">The group that owns the device (default dialout; the ArchWiki uses video for TV
        /// cards).</para>
        /// </summary>
        [Parameter(HelpMessage = "The group that owns the device.")]
        public string Group { get; set; } = "dialout";

        /// <summary>
        /// <para type="description">The device's permission bits in octal (default 0660: owner and group). 0666 lets
        /// every user use the reader and warns.</para>
        /// </summary>
        [Parameter(HelpMessage = "The permission bits in octal, e.g. 0660.")]
        public string Mode { get; set; } = "0660";

        /// <summary>
        /// <para type="description">The name under /dev the device also gets (default: -Name), for softcams such as
        /// OSCam.</para>
        /// </summary>
        [Parameter(HelpMessage = "The name under /dev for the device.")]
        public string Symlink { get; set; }

        /// <summary>
        /// <para type="description">The udev subsystem to match: tty for serial readers (default), usb for a USB device
        /// node.</para>
        /// </summary>
        [Parameter(HelpMessage = "tty (serial readers) or usb.")]
        [ValidateSet("tty", "usb")]
        public string Subsystem { get; set; } = "tty";

        /// <summary>
        /// <para type="description">The file name's number, which orders it among the rules (default 98, as in the
        /// ArchWiki).</para>
        /// </summary>
        [Parameter(HelpMessage = "The file name's number (default 98).")]
        [ValidateRange(0, 99)]
        public int Priority { get; set; } = 98;

        /// <summary>
        /// <para type="description">Where to write the rule (default /etc/udev/rules.d). udev reads only its own
        /// directories.</para>
        /// </summary>
        [Parameter(HelpMessage = "Where to write the rule (default /etc/udev/rules.d).")]
        [ValidateNotNullOrEmpty]
        public string RulesDirectory { get; set; }

        /// <summary>
        /// <para type="description">Replaces an existing rules file with other content (a read-only one too); as root,
        /// writes into a -RulesDirectory another user can write. A link there is never written through. Also writes a
        /// -Group this machine does not have (for a rule meant for another machine).</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            if (!FieldsAreGood()) return;
            var rule = new UdevRule
            {
                Name = Name,
                Subsystem = Subsystem,
                VendorId = UdevFields.UsbId(VendorId),
                ProductId = UdevFields.UsbId(ProductId),
                Serial = Serial,
                Group = Group,
                Mode = UdevFields.OctalMode(Mode),
                Symlink = Symlink ?? Name,
            };
            string dir = RulesDirectory == null ? null
                : SessionState.Path.GetUnresolvedProviderPathFromPSPath(RulesDirectory);
            var installer = new UdevRuleInstaller();
            try
            {
                UdevRuleInstallPlan plan = installer.Prepare(rule, dir, Priority, Force);
                foreach (string warning in plan.Warnings) WriteWarning(warning);
                if (!ShouldProcess(plan.Target, plan.Action)) return;
                WriteObject(installer.Install(plan, WriteWarning));
            }
            catch (UdevRuleException ex)
            {
                WriteError(NewError(ex, ex.Failure.ToString(), CategoryOf(ex.Failure), ex.Target));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteFileError(ex, rule.Path, "run elevated (sudo).");
            }
        }

        /// <summary>
        /// Checks every value that goes into the rule or its file name before anything is read or written. The checks
        /// live here rather than in ValidatePattern: binding errors quote the argument raw, and a control character
        /// must be named escaped, under this cmdlet's own error id (ControlCharacter, InvalidValue).
        /// </summary>
        private bool FieldsAreGood()
        {
            var fields = new[]
            {
                (nameof(Name), Name), (nameof(VendorId), VendorId), (nameof(ProductId), ProductId), (nameof(Serial), Serial),
                (nameof(Group), Group), (nameof(Mode), Mode), (nameof(Symlink), Symlink), (nameof(Subsystem), Subsystem),
            };
            foreach (var (parameter, value) in fields)
            {
                string problem = UdevFields.Problem(parameter, value, out string reason);
                if (problem == null) continue;
                // The message names the parameter: ArgumentException's paramName would add "(Parameter 'X')" to it.
                WriteError(NewError(new ArgumentException(problem), reason, ErrorCategory.InvalidArgument, value));
                return false;
            }
            return true;
        }

        private static ErrorCategory CategoryOf(UdevRuleFailure failure)
        {
            switch (failure)
            {
                case UdevRuleFailure.GroupNotFound: return ErrorCategory.ObjectNotFound;
                case UdevRuleFailure.FileExists: return ErrorCategory.ResourceExists;
                default: return ErrorCategory.InvalidData;
            }
        }
    }
}
