using System.Collections.Generic;
using SmartCardPS.Text;

namespace SmartCardPS.Atr
{
    /// <summary>
    /// Decodes an ATR per ISO/IEC 7816-3 (2006) section 8 and its historical bytes per ISO/IEC 7816-4 (2013) section 12.
    /// Input that cannot be an ATR throws <see cref="AtrParseException"/>; an ATR that is only flawed (TCK, length)
    /// is decoded and its flaws listed in <see cref="AnswerToReset.Problems"/>, because real cards send such ATRs.
    /// </summary>
    public static class AtrParser
    {
        private const string Kinds = "ABCD";

        public static AnswerToReset Parse(string text) => Parse(AtrText.ParseHex(text));

        /// <summary>Decodes the ATR; naming the card is the caller's (see <see cref="AtrDatabase.Decode"/>).</summary>
        public static AnswerToReset Parse(byte[] atr)
        {
            if (atr == null || atr.Length == 0) throw AtrText.Empty();
            if (atr.Length > AtrText.MaxAtrLength) throw AtrText.TooLong(atr.Length);
            byte ts = atr[0];
            if (ts != 0x3B && ts != 0x3F) throw InvalidTs(ts);
            if (atr.Length < 2)
            {
                throw new AtrParseException(AtrParseReason.Truncated, 1,
                    $"The ATR ends after TS = {ts:X2}: T0, the format byte that follows TS, is missing.");
            }

            var problems = new List<string>();
            var result = new AnswerToReset
            {
                atr = Hex.Format(atr),
                Bytes = (byte[])atr.Clone(),
                ts = Hex.Byte(ts),
                convention = ts == 0x3B ? AtrConvention.Direct : AtrConvention.Inverse,
                t0 = Hex.Byte(atr[1]),
                historicalByteCount = atr[1] & 0x0F,
            };

            int pos = ReadInterfaceBytes(atr, result, problems);
            ReadTail(atr, pos, result, problems);
            result.problems = problems.ToArray();
            return result;
        }

        /// <summary>Walks the TDi chain, returning the offset of the first historical byte.</summary>
        private static int ReadInterfaceBytes(byte[] atr, AnswerToReset result, List<string> problems)
        {
            var bytes = new List<AtrInterfaceByte>(8);
            var protocols = new List<int>(2);
            int seen = 0; // bit per (protocol T=1 or T=15, kind): the first such byte is the one the standard defines
            int pos = 2, group = 1, indicatorOffset = 1, specificTo = -1;
            byte indicator = atr[1];
            bool ta1 = false;
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
                    bool first = false;
                    if (protocol == 1 || protocol == 15)
                    {
                        int bit = 1 << (k + (protocol == 15 ? 4 : 0));
                        first = (seen & bit) == 0;
                        seen |= bit;
                    }
                    if (kind != 'D') Apply(kind, group, protocol, first, value, result, problems);
                    if (group == 1 && kind == 'A') ta1 = true;
                    bytes.Add(new AtrInterfaceByte(kind, group, pos, value, protocol, first, result));
                    pos++;
                }
                if ((y & 0x8) == 0) break;
                indicatorOffset = pos - 1;
                indicator = atr[indicatorOffset];
                specificTo = indicator & 0x0F;
                if (group == 1 && specificTo == 15) problems.Add($"TD1 = {indicator:X2} indicates T=15, which ISO/IEC 7816-3 does not allow in TD1.");
                if (specificTo == 15) result.hasT15GlobalBytes = true;
                else if (!protocols.Contains(specificTo)) protocols.Add(specificTo);
                if (specificTo != 0) result.checkByteRequired = true;
                if (group == 1) result.firstProtocol = specificTo == 15 ? 0 : specificTo;
                group++;
            }
            result.interfaceBytes = bytes.ToArray();
            if (protocols.Count == 0) protocols.Add(0);
            result.protocols = protocols.ToArray();
            if (!ta1)
            {
                result.fi = AtrTables.DefaultFi;
                result.di = AtrTables.DefaultDi;
                result.fMaxMHz = AtrTables.DefaultFMax;
            }
            if (result.fi != null && result.di != null) result.cyclesPerEtu = (double)result.fi.Value / result.di.Value;
            if (result.extraGuardTimeMeaning == null) result.extraGuardTimeMeaning = InterfaceByteMeanings.GuardTime(0);
            if (protocols.Contains(1))
            {
                result.ifsc = result.ifsc ?? 32;
                result.bwi = result.bwi ?? 4;
                result.cwi = result.cwi ?? 13;
                result.errorDetection = result.errorDetection ?? AtrErrorDetection.Lrc;
            }
            if (protocols.Contains(0)) result.workWaitingInteger = result.workWaitingInteger ?? 10;
            return pos;
        }

        /// <summary>Sets the parameters a TAi, TBi or TCi carries; the text is <see cref="InterfaceByteMeanings"/>'.</summary>
        private static void Apply(char kind, int group, int? protocol, bool first, byte value, AnswerToReset result, List<string> problems)
        {
            if (group == 1)
            {
                if (kind == 'A')
                {
                    result.fi = AtrTables.Fi(value >> 4);
                    result.di = AtrTables.Di(value & 0x0F);
                    result.fMaxMHz = AtrTables.FMax(value >> 4);
                    if (result.fi == null) problems.Add($"TA1 = {value:X2}: Fi code {value >> 4:X} is RFU.");
                    if (result.di == null) problems.Add($"TA1 = {value:X2}: Di code {value & 0x0F:X} is RFU.");
                }
                else if (kind == 'C')
                {
                    result.extraGuardTime = value;
                    result.extraGuardTimeMeaning = InterfaceByteMeanings.GuardTime(value);
                }
                return;
            }
            if (group == 2)
            {
                if (kind == 'A')
                {
                    result.mode = AtrMode.Specific;
                    result.specificModeProtocol = value & 0x0F;
                    result.canChangeMode = (value & 0x80) == 0;
                    result.implicitParameters = (value & 0x10) != 0;
                }
                else if (kind == 'C')
                {
                    result.workWaitingInteger = value;
                }
                return;
            }
            if (!first) return;
            if (protocol == 1)
            {
                if (kind == 'A')
                {
                    result.ifsc = value;
                    if (value == 0x00 || value == 0xFF) problems.Add($"IFSC = {value:X2} is RFU (1 to 254 allowed).");
                }
                else if (kind == 'B')
                {
                    result.bwi = value >> 4;
                    result.cwi = value & 0x0F;
                }
                else
                {
                    result.errorDetection = (value & 1) != 0 ? AtrErrorDetection.Crc : AtrErrorDetection.Lrc;
                }
            }
            else if (protocol == 15 && kind == 'A')
            {
                result.clockStop = (AtrClockStop)(value >> 6);
                result.classes = (string[])Classes[value & 0x7].Clone();
            }
        }

        // Class indicator bits 1 to 3 (A, B, C), built once.
        private static readonly string[][] Classes = BuildClasses();

        private static string[][] BuildClasses()
        {
            var all = new string[8][];
            for (int bits = 0; bits < 8; bits++)
            {
                var list = new List<string>(3);
                if ((bits & 1) != 0) list.Add("A");
                if ((bits & 2) != 0) list.Add("B");
                if ((bits & 4) != 0) list.Add("C");
                all[bits] = list.ToArray();
            }
            return all;
        }

        /// <summary>The historical bytes, TCK and anything left over.</summary>
        private static void ReadTail(byte[] atr, int pos, AnswerToReset result, List<string> problems)
        {
            int k = result.historicalByteCount;
            int present = System.Math.Min(k, atr.Length - pos);
            if (present < k)
            {
                problems.Add($"T0 = {result.t0} announces {k} historical bytes but only {present} follow the interface bytes.");
            }
            HistoricalBytesDecoder.Decode(atr, pos, present, result, problems);
            pos += present;

            byte xor = 0;
            for (int i = 1; i < pos; i++) xor ^= atr[i];
            if (result.checkByteRequired)
            {
                result.expectedCheckByte = Hex.Byte(xor);
                if (pos < atr.Length)
                {
                    result.checkByte = Hex.Byte(atr[pos]);
                    result.checkByteValid = atr[pos] == xor;
                    if (!result.checkByteValid) problems.Add($"TCK = {atr[pos]:X2} (byte {pos}) is wrong: T0 to TCK must XOR to 00, which needs TCK = {xor:X2}.");
                    pos++;
                }
                else
                {
                    problems.Add($"TCK is missing: the ATR offers a protocol other than T=0, so it must end with TCK = {xor:X2}.");
                }
            }
            else
            {
                result.checkByteValid = true;
            }
            if (pos < atr.Length)
            {
                int extra = atr.Length - pos;
                string why = result.checkByteRequired ? "after TCK" : "after the historical bytes (an ATR that offers only T=0 has no TCK)";
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

        private static AtrParseException InvalidTs(byte ts)
        {
            string why = ts == 0x03
                ? "03 is the inverse-convention TS read as direct convention; readers report it as 3F"
                : "an ISO/IEC 7816-3 ATR starts with 3B (direct convention) or 3F (inverse convention)";
            return new AtrParseException(AtrParseReason.InvalidTS, 0, $"TS = {ts:X2} (byte 0) is not an initial character: {why}.");
        }
    }
}
