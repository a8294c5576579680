using System.IO;
using System.Linq;
using Xunit;
using static SmartCardPS.Tests.Atr.AtrVectors;
using SmartCardPS.Atr;

namespace SmartCardPS.Tests.Atr
{
    /// <summary>ATRs of real cards listed in smartcard_list.txt, decoded by hand from ISO/IEC 7816-3 and -4.</summary>
    public class RealAtrTests
    {
        [Fact]
        public void YubiKey4()
        {
            // T0 = F8: TA1 TB1 TC1 TD1, K = 8. TD1 = 81: TD2, T=1. TD2 = 31: TA3 TB3, T=1.
            var r = Parse("3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4");
            Assert.Equal(new[] { "TA1", "TB1", "TC1", "TD1", "TD2", "TA3", "TB3" }, r.InterfaceBytes.Select(b => b.Name));
            Assert.Equal(372, r.Fi);
            Assert.Equal(4, r.Di);
            Assert.Equal(93.0, r.CyclesPerEtu);
            Assert.Equal(0, r.ExtraGuardTime);
            Assert.Equal(new[] { 1 }, r.Protocols);
            Assert.Equal(254, r.Ifsc);
            Assert.Equal(1, r.Bwi);
            Assert.Equal(5, r.Cwi);
            Assert.Equal("59 75 62 69 6B 65 79 34", r.HistoricalBytes); // "Yubikey4"
            Assert.Equal("proprietary format", r.CategoryMeaning);
            Assert.Equal("D4", r.CheckByte);
            Assert.True(r.CheckByteValid);
            Assert.Empty(r.Problems);
        }

        [Fact]
        public void SimCardWithT15Class()
        {
            // TA1 = 92: Fi 512, Di 2. TD1 = 80: T=0, TD2. TD2 = 1F: T=15, TA3. TA3 = C3: no clock stop preference, classes A and B.
            var r = Parse("3B 9F 92 80 1F C3 80 31 E0 73 FE 21 14 63 02 01 01 83 07 90 00 CD");
            Assert.Equal(512, r.Fi);
            Assert.Equal(2, r.Di);
            Assert.Equal(256.0, r.CyclesPerEtu);
            Assert.Equal(new[] { 0 }, r.Protocols);
            Assert.True(r.HasT15GlobalBytes);
            Assert.True(r.CheckByteRequired);
            Assert.True(r.CheckByteValid);
            Assert.Equal(AtrClockStop.NoPreference, r.ClockStop);
            Assert.Equal(new[] { "A", "B" }, r.Classes);
            Assert.Equal(new[] { "3", "7", "6", "8" }, r.HistoricalObjects.Select(o => o.Tag));
            Assert.Equal("07: operational state (activated)", r.LifeCycleStatus);
            Assert.Equal("90 00", r.StatusWord);
            Assert.Contains("at most 5 logical channels", r.HistoricalObjects[1].Meaning);
        }

        [Fact]
        public void VirtualSmartCardFromVsmartcard()
        {
            // TA1 = 13, TD1 = 81 (T=1, TD2), TD2 = 01 (T=1); historical 80 73 FF 01 00: card capabilities.
            var r = Parse("3B 95 13 81 01 80 73 FF 01 00 0B");
            Assert.Equal(new[] { 1 }, r.Protocols);
            Assert.Equal(32, r.Ifsc);
            var caps = r.HistoricalObjects.Single();
            Assert.Equal("Card capabilities", caps.Name);
            Assert.Contains("record identifier supported", caps.Meaning);
            Assert.Contains("no logical channel", caps.Meaning);
            Assert.True(r.CheckByteValid);
        }

        [Fact]
        public void InvalidTsNamesTheCardWhenTheDatabaseKnowsIt()
        {
            string path = Path.GetTempFileName();
            try
            {
                File.WriteAllText(path, "A2 13 10 91\n\tSLE 4442 memory card\n");
                var db = AtrDatabase.FromFile(path);
                db.Refresh();
                var ex = Assert.Throws<AtrParseException>(() => db.Decode(Bytes("A2 13 10 91")));
                Assert.Equal(AtrParseReason.InvalidTS, ex.Reason);
                Assert.Contains("SLE 4442 memory card", ex.Message);
                Assert.Equal("SLE 4442 memory card", db.CardNameOf(Bytes("A2 13 10 91")));
            }
            finally
            {
                File.Delete(path);
            }
        }
    }
}
