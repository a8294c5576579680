using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using SmartCardPS.Text;

namespace SmartCardPS.Udev
{
    /// <summary>
    /// The values New-SmartCardUdevRule puts in a rule and its file name, checked before anything is written. The
    /// patterns are anchored with \A and \z: .NET's $ also matches before a final \n, which let "video\n" through and
    /// wrote a broken rule and a file named "98-u4\n.rules". Letters are spelled out (no IgnoreCase), since case-folding
    /// lets the Kelvin sign match k.
    /// </summary>
    public static class UdevFields
    {
        public const string ControlCharacter = "ControlCharacter";
        public const string InvalidValue = "InvalidValue";

        private static readonly Dictionary<string, (Regex Pattern, string What)> Shapes = new Dictionary<string, (Regex, string)>
        {
            ["Name"] = (Anchored("[A-Za-z0-9][A-Za-z0-9_.-]*"), "a name of letters, digits, '_', '.' and '-' that starts with a letter or digit"),
            ["VendorId"] = (Anchored(UsbIdPattern), "a USB vendor id: give its four hex digits as lsusb prints them, such as 0403 or 0x0403"),
            ["ProductId"] = (Anchored(UsbIdPattern), "a USB product id: give its four hex digits as lsusb prints them, such as 6001 or 0x6001"),
            ["Serial"] = (Anchored("[A-Za-z0-9_.:-]+"), "a serial number of letters, digits, '_', '.', ':' and '-'"),
            ["Group"] = (Anchored("[A-Za-z_][A-Za-z0-9_-]*"), "a group name"),
            ["Mode"] = (Anchored("0?[0-7]{3}"), "an octal mode such as 0660"),
            ["Symlink"] = (Anchored("[A-Za-z0-9_][A-Za-z0-9_./-]*"), "a /dev name of letters, digits, '_', '.', '/' and '-'"),
            ["Subsystem"] = (Anchored("tty|usb"), "tty or usb"),
        };

        // lsusb prints 0403; C headers, lsusb -v and vendor sheets write 0x0403.
        private const string UsbIdPattern = "(?:0[xX])?[0-9A-Fa-f]{4}";

        private static Regex Anchored(string pattern) => new Regex(@"\A(?:" + pattern + @")\z", RegexOptions.CultureInvariant);

        /// <summary>
        /// Why the value of -<paramref name="parameter"/> cannot go into a rule, with the reason of the error id
        /// (<see cref="ControlCharacter"/> or <see cref="InvalidValue"/>); null for a good value or none.
        /// </summary>
        public static string Problem(string parameter, string value, out string reason)
        {
            reason = null;
            if (value == null) return null;
            string problem = ConfigValue.ControlCharacterProblem(parameter, value, "the udev rule");
            if (problem != null)
            {
                reason = ControlCharacter;
                return problem;
            }
            var shape = Shapes[parameter];
            if (shape.Pattern.IsMatch(value)) return null;
            reason = InvalidValue;
            return $"-{parameter} {UntrustedText.Quote(value)} is not {shape.What}; nothing was written.";
        }

        /// <summary>A USB id as udev's ATTRS{idVendor} holds it: four lower-case hex digits, a 0x prefix dropped.</summary>
        public static string UsbId(string value) =>
            value == null ? null : (value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? value.Substring(2) : value).ToLowerInvariant();

        /// <summary>A mode as the rule writes it: four octal digits, a leading 0 added to three.</summary>
        public static string OctalMode(string value) => value != null && value.Length == 3 ? "0" + value : value;
    }
}