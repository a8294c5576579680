using System.Collections.Generic;
using System.Globalization;

namespace SmartCardPS.Iso7816
{
    /// <summary>
    /// ISO/IEC 7816-4 (2013) section 5.6 SW1-SW2 meanings: one table for card responses and for the status bytes
    /// an ATR's historical bytes carry.
    /// </summary>
    public static class StatusWords
    {
        private static readonly Dictionary<int, string> Exact = new Dictionary<int, string>
        {
            [0x9000] = "Normal processing: no further qualification",
            [0x6200] = "Warning, memory unchanged: no information given",
            [0x6281] = "Warning, memory unchanged: part of returned data may be corrupted",
            [0x6282] = "Warning, memory unchanged: end of file or record reached before reading Ne bytes",
            [0x6283] = "Warning, memory unchanged: selected file deactivated",
            [0x6284] = "Warning, memory unchanged: file control information not formatted",
            [0x6285] = "Warning, memory unchanged: selected file in termination state",
            [0x6286] = "Warning, memory unchanged: no input data available from a sensor on the card",
            [0x6287] = "Warning, memory unchanged: at least one referenced record is deactivated",
            [0x6300] = "Warning, memory changed: no information given",
            [0x6340] = "Warning, memory changed: unsuccessful comparison",
            [0x6381] = "Warning, memory changed: file filled up by the last write",
            [0x6400] = "Execution error, memory unchanged",
            [0x6401] = "Execution error, memory unchanged: immediate response required by the card",
            [0x6500] = "Execution error, memory changed: no information given",
            [0x6581] = "Execution error, memory changed: memory failure",
            [0x6600] = "Execution error: security-related issue",
            [0x6700] = "Wrong length: no further indication",
            [0x6800] = "Functions in CLA not supported: no information given",
            [0x6881] = "Functions in CLA not supported: logical channel not supported",
            [0x6882] = "Functions in CLA not supported: secure messaging not supported",
            [0x6883] = "Functions in CLA not supported: last command of the chain expected",
            [0x6884] = "Functions in CLA not supported: command chaining not supported",
            [0x6900] = "Command not allowed: no information given",
            [0x6981] = "Command not allowed: command incompatible with file structure",
            [0x6982] = "Command not allowed: security status not satisfied",
            [0x6983] = "Command not allowed: authentication method blocked",
            [0x6984] = "Command not allowed: reference data not usable",
            [0x6985] = "Command not allowed: conditions of use not satisfied",
            [0x6986] = "Command not allowed: no current EF",
            [0x6987] = "Command not allowed: expected secure messaging data objects missing",
            [0x6988] = "Command not allowed: incorrect secure messaging data objects",
            [0x6A00] = "Wrong parameters P1-P2: no information given",
            [0x6A80] = "Wrong parameters: incorrect parameters in the command data field",
            [0x6A81] = "Wrong parameters: function not supported",
            [0x6A82] = "Wrong parameters: file or application not found",
            [0x6A83] = "Wrong parameters: record not found",
            [0x6A84] = "Wrong parameters: not enough memory space in the file",
            [0x6A85] = "Wrong parameters: Nc inconsistent with TLV structure",
            [0x6A86] = "Wrong parameters: incorrect parameters P1-P2",
            [0x6A87] = "Wrong parameters: Nc inconsistent with parameters P1-P2",
            [0x6A88] = "Wrong parameters: referenced data or reference data not found",
            [0x6A89] = "Wrong parameters: file already exists",
            [0x6A8A] = "Wrong parameters: DF name already exists",
            [0x6B00] = "Wrong parameters P1-P2",
            [0x6D00] = "Instruction code not supported or invalid",
            [0x6E00] = "Class not supported",
            [0x6F00] = "No precise diagnosis",
        };

        /// <summary>The ISO/IEC 7816-4 meaning of SW1-SW2; never null.</summary>
        public static string Describe(byte sw1, byte sw2)
        {
            if (Exact.TryGetValue((sw1 << 8) | sw2, out string text)) return text;
            switch (sw1)
            {
                case 0x61:
                    return string.Format(CultureInfo.InvariantCulture, "Normal processing: {0} more bytes available (GET RESPONSE)", sw2 == 0 ? 256 : sw2);
                case 0x62 when sw2 >= 0x02 && sw2 <= 0x80:
                case 0x64 when sw2 >= 0x02 && sw2 <= 0x80:
                    return string.Format(CultureInfo.InvariantCulture, "{0}: triggering by the card ({1:X2})", sw1 == 0x62 ? "Warning, memory unchanged" : "Execution error, memory unchanged", sw2);
                case 0x63 when (sw2 & 0xF0) == 0xC0:
                    return string.Format(CultureInfo.InvariantCulture, "Warning, memory changed: counter {0} (often the tries left)", sw2 & 0x0F);
                case 0x6C:
                    return string.Format(CultureInfo.InvariantCulture, "Wrong Le field: {0} data bytes available (resend with Le = {1:X2})", sw2 == 0 ? 256 : sw2, sw2);
                case 0x62: return "Warning, memory unchanged";
                case 0x63: return "Warning, memory changed";
                case 0x64: return "Execution error, memory unchanged";
                case 0x65: return "Execution error, memory changed";
                case 0x66: return "Execution error: security-related issue";
                case 0x67: return "Wrong length";
                case 0x68: return "Functions in CLA not supported";
                case 0x69: return "Command not allowed";
                case 0x6A: return "Wrong parameters P1-P2";
            }
            if ((sw1 & 0xF0) == 0x90) return "Application-specific status (not defined by ISO/IEC 7816-4)";
            return "Unknown status word (not defined by ISO/IEC 7816-4)";
        }

        /// <summary>Normal processing: 90 00, or 61 XX (more data waits).</summary>
        public static bool IsSuccess(byte sw1, byte sw2) => (sw1 == 0x90 && sw2 == 0x00) || sw1 == 0x61;
    }
}
