using System.Collections.Generic;
using System.Text;
using SmartCardPS.Text;

namespace SmartCardPS.Atr
{
    /// <summary>
    /// The text of each interface byte, per ISO/IEC 7816-3 (2006) 8.3 and 11.4. Bytes whose values the parser
    /// decodes into the ATR's properties (TA1, TC1, TA2, TC2, the first T=1 and T=15 bytes) are shown from those
    /// values; only what no property holds (TB1, TB2, SPU, TDi, RFU bits) is read from the byte here.
    /// </summary>
    internal static class InterfaceByteMeanings
    {
        private const string Kinds = "ABCD";
        private static readonly string[] ClockStops = { "not supported", "state L", "state H", "no preference" };

        public static string Describe(AtrInterfaceByte b, AnswerToReset atr)
        {
            byte v = b.Value;
            char kind = b.KindChar;
            if (kind == 'D') return Td(b.Index, v);
            if (b.Index == 1)
            {
                if (kind == 'A') return Ta1(atr);
                if (kind == 'B') return v == 0 ? "VPP not connected (TB1 is deprecated since ISO/IEC 7816-3:2006)" : $"deprecated programming parameters: PI1 = {v & 0x1F}, II = {v >> 5 & 0x3}";
                return "extra guard time N = " + atr.ExtraGuardTime + ": " + atr.ExtraGuardTimeMeaning;
            }
            if (b.Index == 2)
            {
                if (kind == 'A') return Ta2(atr, v);
                if (kind == 'B') return $"deprecated programming voltage PI2 = {v}";
                int wi = atr.WorkWaitingInteger.Value;
                return wi == 0 ? "T=0 work waiting integer WI = 0 (RFU)" : $"T=0 work waiting integer WI = {wi}: work waiting time 960 x {wi} x Fi/f";
            }
            if (b.Protocol == 1) return b.FirstForProtocol ? T1(kind, atr, v) : $"T=1: only the first T{kind}i for T=1 is defined";
            if (b.Protocol == 15) return b.FirstForProtocol ? T15(kind, atr, v) : $"global: only the first T{kind}i for T=15 is defined";
            return $"specific to T={b.Protocol}";
        }

        public static string GuardTime(int n)
        {
            if (n == 255) return "N = 255: minimum character spacing, 12 ETU for T=0 and 11 ETU for T=1 (no extra guard time)";
            return n == 0 ? "no extra guard time (12 ETU between characters)" : $"{12 + n} ETU between characters from the interface device (12 + N)";
        }

        private static string Ta1(AnswerToReset atr)
        {
            var sb = new StringBuilder();
            sb.Append("Fi = ").Append(atr.Fi?.ToString() ?? "RFU").Append(", Di = ").Append(atr.Di?.ToString() ?? "RFU");
            if (atr.CyclesPerEtu is double etu)
            {
                double fmax = atr.FMaxMHz.Value;
                sb.Append(", ").Append(AtrTables.Number(etu)).Append(" cycles/ETU, ")
                  .Append(AtrTables.Number(System.Math.Floor(4000000 / etu))).Append(" bit/s at 4 MHz, fMax = ")
                  .Append(AtrTables.Number(fmax)).Append(" MHz (")
                  .Append(AtrTables.Number(System.Math.Floor(fmax * 1000000 / etu))).Append(" bit/s)");
            }
            return sb.ToString();
        }

        private static string Ta2(AnswerToReset atr, byte v)
        {
            string s = $"specific mode, T={atr.SpecificModeProtocol}; "
                + (atr.CanChangeMode == true ? "can change to negotiable mode" : "cannot change to negotiable mode")
                + "; " + (atr.ImplicitParameters == true ? "Fi and Di implicit (not from TA1)" : "Fi and Di from TA1");
            return (v & 0x60) != 0 ? s + "; bits 7 and 6 are RFU but set" : s;
        }

        private static string T1(char kind, AnswerToReset atr, byte v)
        {
            switch (kind)
            {
                case 'A': return atr.Ifsc == 0x00 || atr.Ifsc == 0xFF ? $"T=1 IFSC = {atr.Ifsc} (RFU)" : $"T=1 IFSC = {atr.Ifsc}";
                case 'B': return $"T=1 BWI = {atr.Bwi}{(atr.Bwi > 9 ? " (RFU)" : "")}, CWI = {atr.Cwi}";
                default: return "T=1 error detection code: " + (atr.ErrorDetection == AtrErrorDetection.Crc ? "CRC" : "LRC") + ((v & 0xFE) != 0 ? "; bits 8 to 2 are RFU but set" : "");
            }
        }

        private static string T15(char kind, AnswerToReset atr, byte v)
        {
            switch (kind)
            {
                case 'A':
                    var classes = new List<string>(3);
                    foreach (string c in atr.Classes) classes.Add(c + (c == "A" ? " (5 V)" : c == "B" ? " (3 V)" : " (1.8 V)"));
                    string text = $"clock stop {ClockStops[(int)atr.ClockStop.Value]}; classes: " + (classes.Count == 0 ? "none" : string.Join(" ", classes));
                    return (v & 0x38) != 0 ? text + "; class bits 6 to 4 are RFU but set" : text;
                case 'B':
                    if (v == 0) return "SPU: contact C6 not used";
                    return (v & 0x80) != 0 ? $"SPU: contact C6 for proprietary use ({Hex.Byte((byte)(v & 0x7F))})" : $"SPU: contact C6 for standard use ({Hex.Byte((byte)(v & 0x7F))}, RFU)";
                default:
                    return "global, RFU for T=15";
            }
        }

        private static string Td(int group, byte v)
        {
            int t = v & 0x0F;
            var next = new List<string>(4);
            for (int k = 0; k < 4; k++) if ((v & (0x10 << k)) != 0) next.Add("T" + Kinds[k] + (group + 1));
            string what = t == 15 ? "T=15: global interface bytes follow"
                : t == 14 ? "T=14 (not standardised by ISO)"
                : t >= 2 ? $"T={t} (RFU protocol)"
                : $"protocol T={t}";
            return what + "; next: " + (next.Count == 0 ? "no more interface bytes" : string.Join(" ", next));
        }
    }
}
