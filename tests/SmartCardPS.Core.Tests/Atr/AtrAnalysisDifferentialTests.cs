using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;
using SmartCardPS.Atr;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Atr
{
    /// <summary>
    /// ConvertFrom-Atr's decoder against pcsc-tools' ATR_analysis over a few hundred concrete ATRs of smartcard_list.txt,
    /// field by field. Where ATR_analysis departs from the standard the decoder follows the standard, and the case is
    /// listed in <see cref="Deviations"/> with the reason; the test checks every listed deviation really occurs.
    /// Whether a deviation applies is decided from the ATR's bytes by <see cref="RawAtr"/>, code independent of the
    /// decoder (a decoder bug must not exempt itself), and each deviation may exempt only so many ATRs.
    /// </summary>
    public class AtrAnalysisDifferentialTests
    {
        private readonly ITestOutputHelper output;

        public AtrAnalysisDifferentialTests(ITestOutputHelper output) => this.output = output;

        private sealed class Deviation
        {
            public Deviation(string id, string reason, int atMost, Func<RawAtr, bool> applies, params string[] fields)
            {
                Id = id;
                Reason = reason;
                AtMost = atMost;
                Applies = applies;
                Fields = fields;
            }

            public string Id { get; }
            public string Reason { get; }

            /// <summary>The most sample ATRs it may exempt: a deviation that grows is a decoder change to look at.</summary>
            public int AtMost { get; }

            public Func<RawAtr, bool> Applies { get; }
            public string[] Fields { get; }
        }

        // Counts seen in the sample when the bounds were set, with a little room.
        private const int TckFromLengthBound = 4, PcscPart3AidBound = 12, FixedSizeCompactTlvBound = 5, MostExempt = 20;

        private static readonly Deviation[] Deviations =
        {
            new Deviation("TckFromLength",
                "ATR_analysis takes the last byte as TCK when exactly one byte follows the K historical bytes, and counts any further bytes as historical bytes. " +
                "ISO/IEC 7816-3 8.2.5 makes TCK present exactly when a TDi indicates a protocol other than T=0, so a byte after a T=0-only ATR is extra, not a TCK, and bytes after the TCK are extra.",
                TckFromLengthBound, r => r.ExtraBytes > 0,
                "Tck", "HistoricalBytes", "CompactTlv", "Status"),
            new Deviation("PcscPart3Aid",
                "ATR_analysis reads the BER-TLV application identifier '4F 0C A0 00 00 03 06 ...' of PC/SC Part 3 storage-card ATRs as a COMPACT-TLV object (tag 4, length 15); " +
                "PC/SC Part 3 (3.1.3.2.3) defines it as BER-TLV tag 4F, length 0C, RID, standard and card name.",
                PcscPart3AidBound, r => r.HasPcscPart3Aid,
                "CompactTlv"),
            new Deviation("FixedSizeCompactTlv",
                "ATR_analysis reads one byte for tag 3 whatever its length, nothing for tags 7 and 8 whose length is not 1 to 3, and nothing for other tags whose length is A to F; " +
                "an ISO/IEC 7816-4 COMPACT-TLV object always spans the length in its header, so after such an object ATR_analysis reads the following objects out of step.",
                FixedSizeCompactTlvBound, r => r.CompactTlvHeaders.Any(h => (h.Tag == 3 && h.Length != 1) || ((h.Tag == 7 || h.Tag == 8) && (h.Length == 0 || h.Length > 3)) || ((h.Tag == 0 || (h.Tag >= 9 && h.Tag <= 0xE)) && h.Length >= 10)),
                "CompactTlv", "Status"),
        };

        [SkippableFact]
        public void AgreesWithAtrAnalysisWhereItFollowsTheStandard()
        {
            Requires.Dependency(File.Exists(AtrAnalysisOutput.Program), "pcsc-tools' ATR_analysis (apt-get install pcsc-tools)");
            Requires.Dependency(SmartcardList.Installed, "pcsc-tools' smartcard_list.txt (apt-get install pcsc-tools)");

            var concrete = SmartcardList.Read().Where(e => e.IsConcrete).Select(e => e.Pattern).Distinct().ToList();
            var sample = concrete.Where((_, i) => i % 12 == 0)
                .Concat(concrete.Where(a => a.Contains("4F 0C A0 00 00 03 06")).Take(10))
                .Distinct().ToList();
            Assert.True(sample.Count >= 300, $"{sample.Count} ATRs");

            string home = AtrAnalysisOutput.PrepareHome(SmartcardList.InstalledPath);
            var db = AtrDatabase.FromFile(SmartcardList.InstalledPath);
            var differences = new ConcurrentBag<string>();
            var deviated = new ConcurrentDictionary<string, ConcurrentBag<string>>();
            int compared = 0, withTlvValues = 0;
            try
            {
                Parallel.ForEach(sample, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount * 2) }, atr =>
                {
                    var theirs = AtrAnalysisOutput.Run(atr, home);
                    AnswerToReset ours;
                    try
                    {
                        ours = db.Decode(AtrText.ParseHex(atr));
                    }
                    catch (AtrParseException ex) when (ex.Reason == AtrParseReason.Truncated)
                    {
                        // ATR_analysis stops in the middle of the interface bytes too, before the historical bytes.
                        if (theirs.HistoricalBytes != null) differences.Add($"{atr}: we reject it ({ex.Message}) but ATR_analysis reads historical bytes");
                        return;
                    }
                    var skip = new HashSet<string>();
                    var raw = RawAtr.Of(AtrText.ParseHex(atr));
                    foreach (var d in Deviations.Where(d => d.Applies(raw)))
                    {
                        skip.UnionWith(d.Fields);
                        deviated.GetOrAdd(d.Id, _ => new ConcurrentBag<string>()).Add(atr);
                    }
                    foreach (string diff in Compare(ours, theirs, skip)) differences.Add($"{atr}: {diff}");
                    System.Threading.Interlocked.Increment(ref compared);
                    if (!skip.Contains("CompactTlv") && theirs.CompactTlvValues.Count > 0) System.Threading.Interlocked.Increment(ref withTlvValues);
                });
            }
            finally
            {
                Directory.Delete(home, true);
            }

            foreach (var d in Deviations)
            {
                var cases = deviated.TryGetValue(d.Id, out var bag) ? bag.OrderBy(a => a).ToList() : new List<string>();
                output.WriteLine($"{d.Id} ({cases.Count}): {d.Reason}");
                foreach (string atr in cases) output.WriteLine("    " + atr);
            }
            Assert.True(compared >= 250, $"only {compared} ATRs compared");
            Assert.True(withTlvValues >= 50, $"only {withTlvValues} ATRs had COMPACT-TLV values to compare");
            Assert.True(differences.IsEmpty, string.Join("\n", differences.OrderBy(x => x)));
            Assert.All(Deviations, d => Assert.True(deviated.ContainsKey(d.Id), $"deviation {d.Id} never occurs in the sample: drop it or widen the sample"));
            Assert.All(Deviations, d => Assert.True(deviated[d.Id].Count <= d.AtMost, $"deviation {d.Id} exempts {deviated[d.Id].Count} ATRs, more than {d.AtMost}"));
            int exempt = deviated.Values.SelectMany(b => b).Distinct().Count();
            Assert.True(exempt <= MostExempt, $"{exempt} of {compared} ATRs are exempt from some field, more than {MostExempt}");
        }

        private static IEnumerable<string> Compare(AnswerToReset r, AtrAnalysisOutput a, HashSet<string> skip)
        {
            var ours = r.InterfaceBytes.Select(b => $"{b.Name}={b.Value:X2}");
            var theirs = a.InterfaceBytes.Select(b => $"{b.Name}={b.Value:X2}");
            if (!ours.SequenceEqual(theirs)) yield return $"interface bytes {string.Join(" ", ours)} / {string.Join(" ", theirs)}";

            var tds = a.InterfaceBytes.Where(b => b.Name.StartsWith("TD"))
                .Select(b => int.Parse(Regex.Match(b.Meaning, @"Protocol T = (\d+)").Groups[1].Value)).Where(t => t != 15).Distinct().ToList();
            if (tds.Count == 0) tds.Add(0);
            if (!tds.SequenceEqual(r.Protocols)) yield return $"protocols {string.Join(",", r.Protocols)} / {string.Join(",", tds)}";

            string ta1 = a.Meaning("TA1");
            if (ta1 != null)
            {
                var m = Regex.Match(ta1, @"Fi=(\S+), Di=([^,\s]+)");
                string fiDi = $"{r.Fi?.ToString() ?? "RFU"}/{r.Di?.ToString() ?? "RFU"}";
                if (fiDi != m.Groups[1].Value + "/" + m.Groups[2].Value) yield return $"Fi/Di {fiDi} / {m.Groups[1].Value}/{m.Groups[2].Value}";
                var etu = Regex.Match(ta1, @"([0-9.e+]+) cycles/ETU");
                if (etu.Success && Math.Abs(double.Parse(etu.Groups[1].Value, CultureInfo.InvariantCulture) - r.CyclesPerEtu.Value) > 1e-4 * r.CyclesPerEtu.Value)
                    yield return $"cycles/ETU {r.CyclesPerEtu} / {etu.Groups[1].Value}";
            }
            string tc1 = a.Meaning("TC1");
            if (tc1 != null && tc1 != $"Extra guard time: {r.ExtraGuardTime}" + (r.ExtraGuardTime == 255 ? " (special value)" : ""))
                yield return $"guard time {r.ExtraGuardTime} / {tc1}";
            string ta2 = a.Meaning("TA2");
            if (ta2 != null)
            {
                string expected = $"Protocol to be used in spec mode: T={r.SpecificModeProtocol} - {(r.CanChangeMode == true ? "Capable" : "Unable")} to change - {(r.ImplicitParameters == true ? "implicity defined" : "defined by interface bytes")}";
                if (ta2 != expected) yield return $"TA2 '{expected}' / '{ta2}'";
            }

            foreach (string diff in CompareSpecificBytes(r, a)) yield return diff;

            if (!skip.Contains("HistoricalBytes") && (a.HistoricalBytes ?? "") != r.HistoricalBytes)
                yield return $"historical bytes '{r.HistoricalBytes}' / '{a.HistoricalBytes}'";
            if (a.Category != r.CategoryIndicator) yield return $"category {r.CategoryIndicator} / {a.Category}";
            if (!skip.Contains("CompactTlv"))
            {
                var tlv = r.HistoricalObjects.Where(o => o.Tag.Length == 1).Select(o => o.Tag + o.Length.ToString("X"));
                if (!tlv.SequenceEqual(a.CompactTlv)) yield return $"COMPACT-TLV {string.Join(" ", tlv)} / {string.Join(" ", a.CompactTlv)}";
                // The value bytes of every object but the status indicator, which is compared decoded below.
                string values = string.Join(" ", r.HistoricalObjects.Where(o => o.Tag.Length == 1 && o.Tag != "8").Select(o => o.Value).Where(v => v.Length > 0));
                string theirValues = string.Join(" ", a.CompactTlvValues.Where(v => v.Length > 0));
                if (values != theirValues) yield return $"COMPACT-TLV values '{values}' / '{theirValues}'";
            }
            if (!skip.Contains("Status"))
            {
                string lcs = r.LifeCycleStatus?.Substring(0, 2);
                string sw = r.StatusWord?.Replace(" ", "");
                if (lcs != a.LifeCycle.LastOrDefault()) yield return $"life cycle {lcs} / {a.LifeCycle.LastOrDefault()}";
                if (sw != a.StatusWords.LastOrDefault()) yield return $"status word {sw} / {a.StatusWords.LastOrDefault()}";
            }
            if (!skip.Contains("Tck"))
            {
                string tck = r.CheckByte == null ? null
                    : $"{r.CheckByte} " + (r.CheckByteValid ? "(correct checksum)" : $"WRONG CHECKSUM, expected {r.ExpectedCheckByte}");
                if (tck != a.Tck) yield return $"TCK '{tck}' / '{a.Tck}'";
            }
            // ATR_analysis prints the description lines of every match one after another: compare them flattened.
            var lines = r.Identification.SelectMany(i => i.Descriptions).ToList();
            if (!a.Identified || !a.Identification.SequenceEqual(lines))
                yield return $"identification [{string.Join(" | ", lines)}] / [{string.Join(" | ", a.Identification)}]";
        }

        /// <summary>
        /// The first TAi/TBi/TCi (i ≥ 3) for T=1 and the first TAi for T=15: the only ones the standard defines.
        /// ATR_analysis decodes later repeats too and reads every TAi not for T=1 as a T=15 one, so only these are compared.
        /// </summary>
        private static IEnumerable<string> CompareSpecificBytes(AnswerToReset r, AtrAnalysisOutput a)
        {
            var t1 = r.InterfaceBytes.Where(b => b.Protocol == 1).GroupBy(b => b.Kind).Select(g => g.First());
            foreach (var b in t1)
            {
                string theirs = a.Meaning(b.Name);
                string ours = null;
                if (b.Kind == "A") ours = $"IFSC: {r.Ifsc}";
                if (b.Kind == "B") ours = $"Block Waiting Integer: {r.Bwi} - Character Waiting Integer: {r.Cwi}";
                // ATR_analysis calls every TC other than 00 and 01 RFU; ISO/IEC 7816-3 11.4.4 reads bit 1 only.
                if (b.Kind == "C" && b.Value <= 1) ours = $"Error detection code: {r.ErrorDetection.ToString().ToUpperInvariant()}";
                if (ours != null && ours != theirs) yield return $"{b.Name} '{ours}' / '{theirs}'";
            }
            var t15 = r.InterfaceBytes.FirstOrDefault(b => b.Protocol == 15 && b.Kind == "A");
            if (t15 != null)
            {
                var m = Regex.Match(a.Meaning(t15.Name) ?? "", @"Clock stop: (.+?) - Class accepted by the card: \(3G\) ?(.*)$");
                string stop = new[] { "not supported", "state L", "state H", "no preference" }[(int)r.ClockStop.Value];
                var classes = Regex.Matches(m.Groups[2].Value, @"\b([ABC]) ").Cast<Match>().Select(x => x.Groups[1].Value);
                if (stop != m.Groups[1].Value || !classes.SequenceEqual(r.Classes))
                    yield return $"{t15.Name} clock stop {stop} classes {string.Join(" ", r.Classes)} / '{a.Meaning(t15.Name)}'";
            }
        }

        /// <summary>
        /// An ATR's structure read from its bytes by ISO/IEC 7816-3 and 7816-4 alone, for deciding exemptions without
        /// the decoder: bytes after the historical bytes and TCK, PC/SC Part 3's AID, the COMPACT-TLV headers.
        /// </summary>
        internal sealed class RawAtr
        {
            public int ExtraBytes { get; private set; }
            public bool HasPcscPart3Aid { get; private set; }
            public List<(int Tag, int Length)> CompactTlvHeaders { get; } = new List<(int Tag, int Length)>();

            public static RawAtr Of(byte[] atr)
            {
                var raw = new RawAtr();
                int historical = atr[1] & 0x0F, y = atr[1] >> 4, p = 2;
                bool tck = false;
                while (true)
                {
                    p += ((y & 1) + ((y >> 1) & 1) + ((y >> 2) & 1));
                    if ((y & 8) == 0 || p >= atr.Length) break;
                    byte td = atr[p++];
                    if ((td & 0x0F) != 0) tck = true;
                    y = td >> 4;
                }
                if (p + historical > atr.Length) return raw;
                raw.ExtraBytes = atr.Length - (p + historical) - (tck ? 1 : 0);
                if (historical == 0) return raw;
                byte category = atr[p];
                int start = p + 1, end = p + historical;
                if (category == 0x00) end -= 3;
                else if (category != 0x80) return raw;
                byte[] rid = { 0xA0, 0x00, 0x00, 0x03, 0x06 };
                if (category == 0x80 && end - start >= 2 && atr[start] == 0x4F && atr[start + 1] >= rid.Length + 3 && start + 2 + atr[start + 1] <= end &&
                    rid.Select((b, i) => atr[start + 2 + i] == b).All(x => x))
                {
                    raw.HasPcscPart3Aid = true;
                    start += 2 + atr[start + 1];
                }
                for (int q = start; q < end; q += 1 + Math.Min(atr[q] & 0x0F, end - q - 1))
                    raw.CompactTlvHeaders.Add((atr[q] >> 4, atr[q] & 0x0F));
                return raw;
            }
        }
    }
}
