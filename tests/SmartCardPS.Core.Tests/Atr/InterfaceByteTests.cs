using System.Linq;
using Xunit;
using static SmartCardPS.Tests.Atr.AtrVectors;
using SmartCardPS.Atr;

namespace SmartCardPS.Tests.Atr
{
    /// <summary>Vectors from the ISO/IEC 7816-3 (2006) tables of section 8: TS, T0, TAi/TBi/TCi/TDi, Fi/Di/fmax, TCK rules.</summary>
    public class InterfaceByteTests
    {
        [Theory]
        [InlineData("3B 00", AtrConvention.Direct)]
        [InlineData("3F 00", AtrConvention.Inverse)]
        public void TsGivesTheConvention(string atr, AtrConvention convention)
        {
            var r = Parse(atr);
            Assert.Equal(convention, r.Convention);
            Assert.Equal(0, r.HistoricalByteCount);
            Assert.Empty(r.InterfaceBytes);
            Assert.Empty(r.Problems);
        }

        [Theory]
        [InlineData(0x00)]
        [InlineData(0x3C)]
        [InlineData(0x03)]
        [InlineData(0xFF)]
        public void AnyOtherTsIsInvalid(byte ts)
        {
            var ex = Assert.Throws<AtrParseException>(() => AtrParser.Parse(new byte[] { ts, 0x00 }));
            Assert.Equal(AtrParseReason.InvalidTS, ex.Reason);
            Assert.Equal(0, ex.Offset);
            Assert.Contains($"TS = {ts:X2}", ex.Message);
        }

        // Table 7 (Fi, f max) and Table 8 (Di); codes 7, 8, E, F of Fi and 0, A-F of Di are RFU.
        [Theory]
        [InlineData(0x0, 372, 4.0)]
        [InlineData(0x1, 372, 5.0)]
        [InlineData(0x2, 558, 6.0)]
        [InlineData(0x3, 744, 8.0)]
        [InlineData(0x4, 1116, 12.0)]
        [InlineData(0x5, 1488, 16.0)]
        [InlineData(0x6, 1860, 20.0)]
        [InlineData(0x9, 512, 5.0)]
        [InlineData(0xA, 768, 7.5)]
        [InlineData(0xB, 1024, 10.0)]
        [InlineData(0xC, 1536, 15.0)]
        [InlineData(0xD, 2048, 20.0)]
        public void Ta1HighNibbleIsFiAndFMax(int code, int fi, double fmax)
        {
            var r = Parse($"3B 10 {code:X}1");
            Assert.Equal(fi, r.Fi);
            Assert.Equal(fmax, r.FMaxMHz);
            Assert.Equal(1, r.Di);
            Assert.Equal((double)fi, r.CyclesPerEtu);
            Assert.Empty(r.Problems);
        }

        [Theory]
        [InlineData(0x1, 1)]
        [InlineData(0x2, 2)]
        [InlineData(0x3, 4)]
        [InlineData(0x4, 8)]
        [InlineData(0x5, 16)]
        [InlineData(0x6, 32)]
        [InlineData(0x7, 64)]
        [InlineData(0x8, 12)]
        [InlineData(0x9, 20)]
        public void Ta1LowNibbleIsDi(int code, int di)
        {
            var r = Parse($"3B 10 1{code:X}");
            Assert.Equal(di, r.Di);
            Assert.Equal(372.0 / di, r.CyclesPerEtu);
        }

        [Theory]
        [InlineData("3B 10 71", true, false)]
        [InlineData("3B 10 81", true, false)]
        [InlineData("3B 10 E1", true, false)]
        [InlineData("3B 10 F1", true, false)]
        [InlineData("3B 10 10", false, true)]
        [InlineData("3B 10 1A", false, true)]
        [InlineData("3B 10 1F", false, true)]
        public void RfuFiOrDiIsNullAndFlagged(string atr, bool fiRfu, bool diRfu)
        {
            var r = Parse(atr);
            Assert.Equal(fiRfu, r.Fi == null);
            Assert.Equal(diRfu, r.Di == null);
            Assert.Null(r.CyclesPerEtu);
            Assert.Single(r.Problems);
            Assert.Contains("RFU", r.Problems[0]);
        }

        [Fact]
        public void WithoutTa1TheDefaultsApply()
        {
            var r = Parse("3B 00");
            Assert.Equal(372, r.Fi);
            Assert.Equal(1, r.Di);
            Assert.Equal(5.0, r.FMaxMHz);
            Assert.Equal(372.0, r.CyclesPerEtu);
            Assert.Equal(0, r.ExtraGuardTime);
            Assert.Equal(AtrMode.Negotiable, r.Mode);
            Assert.Equal(new[] { 0 }, r.Protocols);
            Assert.Equal(0, r.FirstProtocol);
            Assert.Equal(10, r.WorkWaitingInteger);
            Assert.Null(r.Ifsc);
        }

        [Theory]
        [InlineData(0, "no extra guard time")]
        [InlineData(2, "14 ETU")]
        [InlineData(255, "12 ETU for T=0 and 11 ETU for T=1")]
        public void Tc1IsTheExtraGuardTime(int n, string meaning)
        {
            var r = Parse($"3B 40 {n:X2}");
            Assert.Equal(n, r.ExtraGuardTime);
            Assert.Contains(meaning, r.ExtraGuardTimeMeaning);
            Assert.Equal("TC1", r.InterfaceBytes.Single().Name);
        }

        [Fact]
        public void Tb1ZeroMeansVppNotConnected()
        {
            var r = Parse("3B 20 00");
            Assert.Contains("VPP not connected", r.InterfaceBytes.Single().Meaning);
        }

        // TA2, the specific mode byte: b8 = cannot change, b5 = implicit parameters, b4-b1 = T.
        [Theory]
        [InlineData(0x01, 1, true, false)]
        [InlineData(0x80, 0, false, false)]
        [InlineData(0x11, 1, true, true)]
        [InlineData(0x90, 0, false, true)]
        public void Ta2GivesTheSpecificMode(byte ta2, int protocol, bool canChange, bool implicitParameters)
        {
            var r = ParseWithTck($"3B 80 11 {ta2:X2}");
            Assert.Equal(AtrMode.Specific, r.Mode);
            Assert.Equal(protocol, r.SpecificModeProtocol);
            Assert.Equal(canChange, r.CanChangeMode);
            Assert.Equal(implicitParameters, r.ImplicitParameters);
            Assert.Equal(new[] { "TD1", "TA2" }, r.InterfaceBytes.Select(b => b.Name));
        }

        [Fact]
        public void Tc2IsTheT0WorkWaitingInteger()
        {
            var r = Parse("3B 80 40 20");
            Assert.Equal(0x20, r.WorkWaitingInteger);
            Assert.False(r.CheckByteRequired);
        }

        [Fact]
        public void FirstT1BytesGiveIfscBwiCwiAndCrc()
        {
            // TD1 = 81 (TD2, T=1), TD2 = F1 (TA3 TB3 TC3 TD3, T=1), TA3 = 80, TB3 = 45, TC3 = 01, TD3 = 31 (TA4 TB4, T=1), TA4, TB4 not first.
            var r = ParseWithTck("3B 80 81 F1 80 45 01 31 20 12");
            Assert.Equal(new[] { 1 }, r.Protocols);
            Assert.Equal(1, r.FirstProtocol);
            Assert.Equal(128, r.Ifsc);
            Assert.Equal(4, r.Bwi);
            Assert.Equal(5, r.Cwi);
            Assert.Equal(AtrErrorDetection.Crc, r.ErrorDetection);
            Assert.Equal(new[] { "TD1", "TD2", "TA3", "TB3", "TC3", "TD3", "TA4", "TB4" }, r.InterfaceBytes.Select(b => b.Name));
            Assert.All(r.InterfaceBytes.Where(b => b.Index >= 3 && b.Kind != "D"), b => Assert.Equal(1, b.Protocol));
            Assert.Contains("only the first", r.InterfaceBytes.Single(b => b.Name == "TA4").Meaning);
            Assert.True(r.CheckByteValid);
            Assert.Empty(r.Problems);
        }

        [Fact]
        public void T1WithoutItsBytesHasTheDefaults()
        {
            var r = ParseWithTck("3B 80 01");
            Assert.Equal(32, r.Ifsc);
            Assert.Equal(4, r.Bwi);
            Assert.Equal(13, r.Cwi);
            Assert.Equal(AtrErrorDetection.Lrc, r.ErrorDetection);
            Assert.Null(r.WorkWaitingInteger);
        }

        [Theory]
        [InlineData(0x00)]
        [InlineData(0xFF)]
        public void IfscZeroAndFfAreRfu(byte ifsc)
        {
            var r = ParseWithTck($"3B 80 81 11 {ifsc:X2}");
            Assert.Contains(r.Problems, p => p.Contains("IFSC"));
        }

        // T=15 global bytes: TA = clock stop (b8-b7) and class (b6-b1), TB = SPU.
        [Theory]
        [InlineData(0x01, AtrClockStop.NotSupported, new[] { "A" })]
        [InlineData(0x43, AtrClockStop.StateL, new[] { "A", "B" })]
        [InlineData(0x87, AtrClockStop.StateH, new[] { "A", "B", "C" })]
        [InlineData(0xC6, AtrClockStop.NoPreference, new[] { "B", "C" })]
        public void T15TaGivesClockStopAndClasses(byte ta, AtrClockStop stop, string[] classes)
        {
            var r = ParseWithTck($"3B 80 80 1F {ta:X2}");
            Assert.True(r.HasT15GlobalBytes);
            Assert.Equal(new[] { 0 }, r.Protocols);
            Assert.Equal(stop, r.ClockStop);
            Assert.Equal(classes, r.Classes);
            Assert.Equal(15, r.InterfaceBytes.Single(b => b.Name == "TA3").Protocol);
        }

        [Fact]
        public void T0AndT15RequireTck()
        {
            var withTck = ParseWithTck("3B 80 80 1F 03");
            Assert.True(withTck.CheckByteRequired);
            Assert.True(withTck.CheckByteValid);

            var without = Parse("3B 80 80 1F 03");
            Assert.True(without.CheckByteRequired);
            Assert.Null(without.CheckByte);
            Assert.False(without.CheckByteValid);
            Assert.Equal((0x80 ^ 0x80 ^ 0x1F ^ 0x03).ToString("X2"), without.ExpectedCheckByte);
            Assert.Contains(without.Problems, p => p.StartsWith("TCK is missing"));
        }

        [Fact]
        public void T0AloneHasNoTckAndATrailingByteIsExtra()
        {
            var r = Parse("3B 80 00 5A");
            Assert.False(r.CheckByteRequired);
            Assert.True(r.CheckByteValid);
            Assert.Null(r.CheckByte);
            Assert.Null(r.ExpectedCheckByte);
            Assert.Contains(r.Problems, p => p.StartsWith("1 extra byte 5A"));
        }

        [Fact]
        public void AWrongTckIsReportedWithTheExpectedValue()
        {
            var r = Parse("3B 80 01 00");
            Assert.Equal("00", r.CheckByte);
            Assert.Equal("81", r.ExpectedCheckByte);
            Assert.False(r.CheckByteValid);
            Assert.Contains(r.Problems, p => p.Contains("needs TCK = 81"));
        }

        [Fact]
        public void FewerHistoricalBytesThanT0AnnouncesIsAProblemNotAnError()
        {
            var r = Parse("3B 05 80 31");
            Assert.Equal(5, r.HistoricalByteCount);
            Assert.Equal("80 31", r.HistoricalBytes);
            Assert.Contains(r.Problems, p => p.Contains("announces 5 historical bytes but only 2"));
        }

        [Theory]
        [InlineData("3B", 1, "T0")]
        [InlineData("3B 10", 2, "TA1")]
        [InlineData("3B 80 81", 3, "TD1 = 81 (byte 2) announces TD2")]
        [InlineData("3B F0 11 22", 4, "TC1 TD1")]
        public void InterfaceBytesCutShortAreTruncated(string atr, int offset, string message)
        {
            var ex = Assert.Throws<AtrParseException>(() => Parse(atr));
            Assert.Equal(AtrParseReason.Truncated, ex.Reason);
            Assert.Equal(offset, ex.Offset);
            Assert.Contains(message, ex.Message);
        }

        [Fact]
        public void ProtocolsAreListedOnceInOrderWithoutT15()
        {
            var r = ParseWithTck("3B 80 80 81 1F 01");
            Assert.Equal(new[] { 0, 1 }, r.Protocols);
            Assert.Equal(0, r.FirstProtocol);
            Assert.True(r.HasT15GlobalBytes);
        }
    }
}
