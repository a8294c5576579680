using System.Collections.Generic;
using System.Text;

namespace SmartCardPS
{
    /// <summary>
    /// Decodes an ATR per ISO/IEC 7816-3 (2006) section 8 and its historical bytes per ISO/IEC 7816-4 (2013) section 12.
    /// Input that cannot be an ATR throws <see cref="AtrParseException"/>; an ATR that is only flawed (TCK, length)
    /// is decoded and its flaws listed in <see cref="AnswerToReset.Problems"/>, because real cards send such ATRs.
    /// </summary>
    public static class AtrParser
    {
        private const string Kinds = "ABCD";

        public static AnswerToReset Parse(string text) => Parse(AtrText.ParseHex(text), null);

        public static AnswerToReset Parse(byte[] atr) => Parse(atr, null);

        /// <summary>Decodes and, with a database, identifies the card.</summary>
        public static AnswerToReset Parse(byte[] atr, AtrDatabase database)
        {
            if (atr == null || atr.Length == 0) throw AtrText.Empty();
            if (atr.Length > AtrText.MaxAtrLength) throw AtrText.TooLong(atr.Length);
            byte ts = atr[0];
            if (ts != 0x3B && ts != 0x3F) throw InvalidTs(atr, database);
            if (atr.Length < 2)
            {
                throw new AtrParseException(AtrParseReason.Truncated, 1,
                    $"The ATR ends after TS = {ts:X2}: T0, the format byte that follows TS, is missing.");
            }

            var problems = new List<string>();
            var result = new AnswerToReset
            {
                Atr = Hex.Format(atr),
                Bytes = (byte[])atr.Clone(),
                TS = ts,
                Convention = ts == 0x3B ? AtrConvention.Direct : AtrConvention.Inverse,
                T0 = atr[1],
                HistoricalByteCount = atr[1] & 0x0F,
            };

            int pos = ReadInterfaceBytes(atr, result, problems);
            ApplyGlobalDefaults(result);
            ReadTail(atr, pos, result, problems);
            result.Problems = problems.ToArray();
            if (database != null) database.Identify(atr, result);
            return result;
        }

        /// <summary>Walks the TDi chain, returning the offset of the first historical byte.</summary>
        private static int ReadInterfaceBytes(byte[] atr, AnswerToReset result, List<string> problems)
        {
            var bytes = new List<AtrInterfaceByte>(8);
            var protocols = new List<int>(2);
            var first = new FirstForProtocol();
            int pos = 2, group = 1, indicatorOffset = 1, specificTo = -1;
            byte indicator = atr[1];
            while (true)
            {
                int y = indicator >> 4;
                for (int k = 0; k < 4; k++)
                {
                    if ((y & (1 << k)) == 0) continue;
                    if (pos >= atr.Length) throw Truncated(atr, indicatorOffset, group, y, k);
                    byte value = atr[pos];
                    char kind = Kinds[k];
                    int? protocol = group >= 3 && kind != 'D' ? specificTo : (int?)null;
                    string meaning = kind == 'D'
                        ? DescribeTd(group, value, problems)
                        : Describe(kind, group, specificTo, value, result, first, problems);
                    bytes.Add(new AtrInterfaceByte(kind, group, pos, value, protocol, meaning));
                    pos++;
                }
                if ((y & 0x8) == 0) break;
                indicatorOffset = pos - 1;
                indicator = atr[indicatorOffset];
                specificTo = indicator & 0x0F;
                if (specificTo == 15) result.HasT15GlobalBytes = true;
                else if (!protocols.Contains(specificTo)) protocols.Add(specificTo);
                if (specificTo != 0) result.CheckByteRequired = true;
                if (group == 1) result.FirstProtocol = specificTo == 15 ? 0 : specificTo;
                group++;
            }
            result.InterfaceBytes = bytes.ToArray();
            if (protocols.Count == 0) protocols.Add(0);
            result.Protocols = protocols.ToArray();
            if (protocols.Contains(1))
            {
                result.Ifsc = result.Ifsc ?? 32;
                result.Bwi = result.Bwi ?? 4;
                result.Cwi = result.Cwi ?? 13;
                result.ErrorDetection = result.ErrorDetection ?? AtrErrorDetection.Lrc;
            }
            if (protocols.Contains(0)) result.WorkWaitingInteger = result.WorkWaitingInteger ?? 10;
            return pos;
        }

        private sealed class FirstForProtocol
        {
            public bool T1A, T1B, T1C, T15A, T15B;
        }

        private static void ApplyGlobalDefaults(AnswerToReset result)
        {
            if (result.Fi == null && result.Di == null && !Has(result, "TA1"))
            {
                result.Fi = AtrTables.DefaultFi;
                result.Di = AtrTables.DefaultDi;
                result.FMaxMHz = AtrTables.DefaultFMax;
            }
            if (result.Fi != null && result.Di != null) result.CyclesPerEtu = (double)result.Fi.Value / result.Di.Value;
            if (result.ExtraGuardTimeMeaning == null) result.ExtraGuardTimeMeaning = GuardTime(0);
        }

        private static bool Has(AnswerToReset result, string name)
        {
            foreach (var b in result.InterfaceBytes) if (b.Name == name) return true;
            return false;
        }

        private static string Describe(char kind, int group, int specificTo, byte value, AnswerToReset result, FirstForProtocol first, List<string> problems)
        {
            if (group == 1)
            {
                switch (kind)
                {
                    case 'A': return DescribeTa1(value, result, problems);
                    case 'B':
                        return value == 0
                            ? "VPP not connected (TB1 is deprecated since ISO/IEC 7816-3:2006)"
                            : $"deprecated programming parameters: PI1 = {value & 0x1F}, II = {value >> 5 & 0x3}";
                    default:
                        result.ExtraGuardTime = value;
                        result.ExtraGuardTimeMeaning = GuardTime(value);
                        return "extra guard time N = " + value + ": " + result.ExtraGuardTimeMeaning;
                }
            }
            if (group == 2)
            {
                switch (kind)
                {
                    case 'A': return DescribeTa2(value, result);
                    case 'B': return $"deprecated programming voltage PI2 = {value}";
                    default:
                        result.WorkWaitingInteger = value;
                        return value == 0
                            ? "T=0 work waiting integer WI = 0 (RFU)"
                            : $"T=0 work waiting integer WI = {value}: work waiting time 960 x {value} x Fi/f";
                }
            }
            if (specificTo == 1) return DescribeT1(kind, value, result, first, problems);
            if (specificTo == 15) return DescribeT15(kind, value, result, first);
            return $"specific to T={specificTo}";
        }

        private static string DescribeTa1(byte value, AnswerToReset result, List<string> problems)
        {
            int fiCode = value >> 4, diCode = value & 0x0F;
            result.Fi = AtrTables.Fi(fiCode);
            result.Di = AtrTables.Di(diCode);
            result.FMaxMHz = AtrTables.FMax(fiCode);
            string fi = result.Fi?.ToString() ?? "RFU";
            string di = result.Di?.ToString() ?? "RFU";
            if (result.Fi == null) problems.Add($"TA1 = {value:X2}: Fi code {fiCode:X} is RFU.");
            if (result.Di == null) problems.Add($"TA1 = {value:X2}: Di code {diCode:X} is RFU.");
            var sb = new StringBuilder();
            sb.Append("Fi = ").Append(fi).Append(", Di = ").Append(di);
            if (result.Fi != null && result.Di != null)
            {
                double etu = (double)result.Fi.Value / result.Di.Value;
                sb.Append(", ").Append(AtrTables.Number(etu)).Append(" cycles/ETU, ")
                  .Append(AtrTables.Number(System.Math.Floor(4000000 / etu))).Append(" bit/s at 4 MHz, fMax = ")
                  .Append(AtrTables.Number(result.FMaxMHz.Value)).Append(" MHz (")
                  .Append(AtrTables.Number(System.Math.Floor(result.FMaxMHz.Value * 1000000 / etu))).Append(" bit/s)");
            }
            return sb.ToString();
        }

        private static string GuardTime(int n)
        {
            if (n == 255) return "N = 255: minimum character spacing, 12 ETU for T=0 and 11 ETU for T=1 (no extra guard time)";
            return n == 0 ? "no extra guard time (12 ETU between characters)" : $"{12 + n} ETU between characters from the interface device (12 + N)";
        }

        private static string DescribeTa2(byte value, AnswerToReset result)
        {
            result.Mode = AtrMode.Specific;
            result.SpecificModeProtocol = value & 0x0F;
            result.CanChangeMode = (value & 0x80) == 0;
            result.ImplicitParameters = (value & 0x10) != 0;
            string s = $"specific mode, T={value & 0x0F}; "
                + (result.CanChangeMode.Value ? "can change to negotiable mode" : "cannot change to negotiable mode")
                + "; " + (result.ImplicitParameters.Value ? "Fi and Di implicit (not from TA1)" : "Fi and Di from TA1");
            return (value & 0x60) != 0 ? s + "; bits 7 and 6 are RFU but set" : s;
        }

        private static string DescribeT1(char kind, byte value, AnswerToReset result, FirstForProtocol first, List<string> problems)
        {
            switch (kind)
            {
                case 'A':
                    if (first.T1A) return "T=1: only the first TAi for T=1 (IFSC) is defined";
                    first.T1A = true;
                    result.Ifsc = value;
                    if (value == 0x00 || value == 0xFF)
                    {
                        problems.Add($"IFSC = {value:X2} is RFU (1 to 254 allowed).");
                        return $"T=1 IFSC = {value} (RFU)";
                    }
                    return $"T=1 IFSC = {value}";
                case 'B':
                    if (first.T1B) return "T=1: only the first TBi for T=1 (BWI, CWI) is defined";
                    first.T1B = true;
                    result.Bwi = value >> 4;
                    result.Cwi = value & 0x0F;
                    return $"T=1 BWI = {value >> 4}{(value >> 4 > 9 ? " (RFU)" : "")}, CWI = {value & 0x0F}";
                default:
                    if (first.T1C) return "T=1: only the first TCi for T=1 (error detection code) is defined";
                    first.T1C = true;
                    result.ErrorDetection = (value & 1) != 0 ? AtrErrorDetection.Crc : AtrErrorDetection.Lrc;
                    return "T=1 error detection code: " + ((value & 1) != 0 ? "CRC" : "LRC") + ((value & 0xFE) != 0 ? "; bits 8 to 2 are RFU but set" : "");
            }
        }

        private static readonly string[] ClockStops = { "not supported", "state L", "state H", "no preference" };

        private static string DescribeT15(char kind, byte value, AnswerToReset result, FirstForProtocol first)
        {
            switch (kind)
            {
                case 'A':
                    if (first.T15A) return "global: only the first TAi for T=15 is defined";
                    first.T15A = true;
                    result.ClockStop = (AtrClockStop)(value >> 6);
                    var classes = new List<string>(3);
                    if ((value & 1) != 0) classes.Add("A");
                    if ((value & 2) != 0) classes.Add("B");
                    if ((value & 4) != 0) classes.Add("C");
                    result.Classes = classes.ToArray();
                    string text = $"clock stop {ClockStops[value >> 6]}; classes: " + (classes.Count == 0 ? "none" : string.Join(" ", ClassNames(value)));
                    return (value & 0x38) != 0 ? text + "; class bits 6 to 4 are RFU but set" : text;
                case 'B':
                    if (first.T15B) return "global: only the first TBi for T=15 is defined";
                    first.T15B = true;
                    if (value == 0) return "SPU: contact C6 not used";
                    return (value & 0x80) != 0 ? $"SPU: contact C6 for proprietary use ({value & 0x7F:X2})" : $"SPU: contact C6 for standard use ({value & 0x7F:X2}, RFU)";
                default:
                    return "global, RFU for T=15";
            }
        }

        private static IEnumerable<string> ClassNames(byte value)
        {
            if ((value & 1) != 0) yield return "A (5 V)";
            if ((value & 2) != 0) yield return "B (3 V)";
            if ((value & 4) != 0) yield return "C (1.8 V)";
        }

        private static string DescribeTd(int group, byte value, List<string> problems)
        {
            int t = value & 0x0F;
            var next = new List<string>(4);
            for (int k = 0; k < 4; k++) if ((value & (0x10 << k)) != 0) next.Add("T" + Kinds[k] + (group + 1));
            if (group == 1 && t == 15) problems.Add($"TD1 = {value:X2} indicates T=15, which ISO/IEC 7816-3 does not allow in TD1.");
            string what = t == 15 ? "T=15: global interface bytes follow" : t >= 2 && t <= 14 ? $"T={t} (RFU protocol)" : $"protocol T={t}";
            if (t == 14) what = "T=14 (not standardised by ISO)";
            return what + "; next: " + (next.Count == 0 ? "no more interface bytes" : string.Join(" ", next));
        }

        /// <summary>The historical bytes, TCK and anything left over.</summary>
        private static void ReadTail(byte[] atr, int pos, AnswerToReset result, List<string> problems)
        {
            int k = result.HistoricalByteCount;
            int present = System.Math.Min(k, atr.Length - pos);
            if (present < k)
            {
                problems.Add($"T0 = {result.T0:X2} announces {k} historical bytes but only {present} follow the interface bytes.");
            }
            HistoricalBytesDecoder.Decode(atr, pos, present, result, problems);
            pos += present;

            byte xor = 0;
            for (int i = 1; i < pos; i++) xor ^= atr[i];
            if (result.CheckByteRequired)
            {
                result.ExpectedCheckByte = xor;
                if (pos < atr.Length)
                {
                    result.CheckByte = atr[pos];
                    result.CheckByteValid = atr[pos] == xor;
                    if (!result.CheckByteValid) problems.Add($"TCK = {atr[pos]:X2} (byte {pos}) is wrong: T0 to TCK must XOR to 00, which needs TCK = {xor:X2}.");
                    pos++;
                }
                else
                {
                    problems.Add($"TCK is missing: the ATR offers a protocol other than T=0, so it must end with TCK = {xor:X2}.");
                }
            }
            else
            {
                result.CheckByteValid = true;
            }
            if (pos < atr.Length)
            {
                int extra = atr.Length - pos;
                string why = result.CheckByteRequired ? "after TCK" : "after the historical bytes (an ATR that offers only T=0 has no TCK)";
                problems.Add($"{extra} extra byte{(extra == 1 ? "" : "s")} {Hex.Format(atr, pos, extra)} {why}, from byte {pos}.");
            }
        }

        private static AtrParseException Truncated(byte[] atr, int indicatorOffset, int group, int y, int missingKind)
        {
            string indicator = indicatorOffset == 1 ? "T0" : "TD" + (group - 1);
            var announced = new List<string>(4);
            for (int k = missingKind; k < 4; k++) if ((y & (1 << k)) != 0) announced.Add("T" + Kinds[k] + group);
            return new AtrParseException(AtrParseReason.Truncated, atr.Length,
                $"{indicator} = {atr[indicatorOffset]:X2} (byte {indicatorOffset}) announces {string.Join(" ", announced)}, but the ATR ends after {atr.Length} bytes: the interface bytes are cut short.");
        }

        private static AtrParseException InvalidTs(byte[] atr, AtrDatabase database)
        {
            byte ts = atr[0];
            string why = ts == 0x03
                ? "03 is the inverse-convention TS read as direct convention; readers report it as 3F"
                : "an ISO/IEC 7816-3 ATR starts with 3B (direct convention) or 3F (inverse convention)";
            string name = database?.CardNameOf(atr);
            string known = name == null ? "" : $" smartcard_list.txt names it '{name}' (a memory card or a non-ISO answer).";
            return new AtrParseException(AtrParseReason.InvalidTS, 0, $"TS = {ts:X2} (byte 0) is not an initial character: {why}.{known}");
        }
    }
}
