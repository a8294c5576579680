using System.Linq;
using Xunit;
using static SmartCardPS.Tests.Atr.AtrVectors;

namespace SmartCardPS.Tests.Atr
{
    /// <summary>Vectors from ISO/IEC 7816-4 (2013) 12.1.1 (category indicator, COMPACT-TLV tags, software function tables, life cycle status) and PC/SC Part 3.</summary>
    public class HistoricalBytesTests
    {
        [Fact]
        public void Category00EndsWithTheMandatoryStatusIndicator()
        {
            var r = Parse("3B 06 00 31 C0 05 90 00");
            Assert.Equal("00", r.CategoryIndicator);
            Assert.Equal(new[] { "3", "" }, r.HistoricalObjects.Select(o => o.Tag));
            Assert.Equal("05: operational state (activated)", r.LifeCycleStatus);
            Assert.Equal("90 00", r.StatusWord);
            Assert.Contains("Normal processing", r.HistoricalObjects[1].Meaning);
        }

        [Fact]
        public void Category00WithoutRoomForTheStatusIndicatorIsAProblem()
        {
            var r = Parse("3B 03 00 90 00");
            Assert.Contains(r.Problems, p => p.Contains("3-byte status indicator"));
            Assert.Empty(r.HistoricalObjects);
            Assert.Null(r.StatusWord);
        }

        [Fact]
        public void Category10IsFollowedByTheDirDataReference()
        {
            var r = Parse("3B 02 10 50");
            Assert.Equal("DIR data reference follows", r.CategoryMeaning);
            Assert.Equal("50", r.HistoricalObjects.Single().Value);
        }

        [Theory]
        [InlineData("81", "RFU")]
        [InlineData("8F", "RFU")]
        [InlineData("41", "proprietary format")]
        [InlineData("FF", "proprietary format")]
        public void OtherCategoriesAreRfuOrProprietary(string category, string meaning)
        {
            var r = Parse("3B 02 " + category + " 00");
            Assert.Equal(meaning, r.CategoryMeaning);
            Assert.Empty(r.HistoricalObjects);
        }

        [Theory]
        [InlineData("12 25 01", "1", "Country code and national data", "country code 250 (ISO 3166-1)")]
        [InlineData("23 12 34 5F", "2", "Issuer identification number", "IIN 12345 (ISO/IEC 7812-1)")]
        [InlineData("31 E0", "3", "Card service data", "application selection by full DF name; application selection by partial DF name; BER-TLV data objects in EF.DIR; EF.DIR and EF.ATR/INFO access by READ RECORD(S); card with MF")]
        [InlineData("31 19", "3", "Card service data", "BER-TLV data objects in EF.ATR/INFO; EF.DIR and EF.ATR/INFO access by READ BINARY; card without MF")]
        [InlineData("42 AA BB", "4", "Initial access data", "")]
        [InlineData("51 01", "5", "Card issuer's data", "")]
        [InlineData("63 02 01 01", "6", "Pre-issuing data", "")]
        [InlineData("F5 A0 00 00 00 03", "F", "Application identifier", "")]
        [InlineData("95 01 02 03 04 05", "9", "RFU tag", "")]
        public void CompactTlvTagsHaveTheirIsoNames(string tlv, string tag, string name, string meaning)
        {
            var r = Parse($"3B 0{1 + tlv.Split(' ').Length:X} 80 {tlv}");
            var o = r.HistoricalObjects.Single();
            Assert.Equal(tag, o.Tag);
            Assert.Equal(name, o.Name);
            Assert.Equal(meaning, o.Meaning);
            Assert.Equal(tlv.Substring(3), o.Value);
            Assert.Empty(r.Problems);
        }

        // The first, second and third software function tables.
        [Fact]
        public void CardCapabilitiesDecodeAllThreeTables()
        {
            var r = Parse("3B 05 80 73 FE 21 14");
            var o = r.HistoricalObjects.Single();
            Assert.Equal("Card capabilities", o.Name);
            Assert.Contains("selection methods: DF selection by full DF name, DF selection by partial DF name, DF selection by path, DF selection by file identifier, implicit DF selection, short EF identifier supported, record number supported", o.Meaning);
            Assert.Contains("write functions proprietary, value FF for the first byte of BER-TLV tags invalid, data unit 2 quartets", o.Meaning);
            Assert.Contains("no command chaining, short Lc and Le fields only, logical channel number assigned by the card, at most 5 logical channels", o.Meaning);
        }

        [Fact]
        public void CardCapabilitiesChainingAndChannels()
        {
            var r = Parse("3B 05 80 73 00 80 DF");
            Assert.Contains("EF of TLV structure supported, write functions one-time write", r.HistoricalObjects[0].Meaning);
            Assert.Contains("command chaining, extended Lc and Le fields, logical channel number assigned by the interface device and the card, at most 8 or more logical channels", r.HistoricalObjects[0].Meaning);
        }

        // Life cycle status byte (Table 13 of the 2005 edition).
        [Theory]
        [InlineData(0x00, "no information given")]
        [InlineData(0x01, "creation state")]
        [InlineData(0x03, "initialisation state")]
        [InlineData(0x04, "operational state (deactivated)")]
        [InlineData(0x06, "operational state (deactivated)")]
        [InlineData(0x05, "operational state (activated)")]
        [InlineData(0x07, "operational state (activated)")]
        [InlineData(0x0C, "termination state")]
        [InlineData(0x0F, "termination state")]
        [InlineData(0x02, "RFU")]
        [InlineData(0x10, "proprietary")]
        public void StatusIndicatorLifeCycle(byte lcs, string meaning)
        {
            var r = Parse($"3B 03 80 81 {lcs:X2}");
            Assert.Equal($"{lcs:X2}: {meaning}", r.LifeCycleStatus);
            Assert.Null(r.StatusWord);
        }

        [Fact]
        public void StatusIndicatorWithTwoBytesIsTheStatusWord()
        {
            var r = Parse("3B 04 80 82 6A 82");
            Assert.Equal("6A 82", r.StatusWord);
            // SW1-SW2 as a pair, as ATR_analysis reads it: 6A 82 is "file not found", not 6A's "wrong parameters".
            Assert.Contains(r.HistoricalObjects, o => o.Meaning != null && o.Meaning.Contains("SW1 SW2 6A 82: Wrong parameters: file or application not found"));
            Assert.Null(r.LifeCycleStatus);
        }

        [Fact]
        public void AnObjectLongerThanTheBytesLeftIsAProblem()
        {
            var r = Parse("3B 03 80 45 01");
            Assert.Equal("01", r.HistoricalObjects.Single().Value);
            Assert.Equal(5, r.HistoricalObjects[0].Length);
            Assert.Contains(r.Problems, p => p.Contains("announces 5 bytes but only 1"));
        }

        [Theory]
        [InlineData("03 00 01", "ISO/IEC 14443 A, part 3", "MIFARE Classic 1K")]
        [InlineData("03 00 02", "ISO/IEC 14443 A, part 3", "MIFARE Classic 4K")]
        [InlineData("03 00 03", "ISO/IEC 14443 A, part 3", "MIFARE Ultralight")]
        [InlineData("03 00 26", "ISO/IEC 14443 A, part 3", "MIFARE Mini")]
        [InlineData("03 00 3A", "ISO/IEC 14443 A, part 3", "MIFARE Ultralight C")]
        [InlineData("11 00 3B", "FeliCa", "FeliCa")]
        [InlineData("0B 00 14", "ISO/IEC 15693, part 3", "ICODESLI")]
        [InlineData("03 F0 04", "ISO/IEC 14443 A, part 3", "not in the PC/SC Part 3 list (F004)")]
        [InlineData("04 00 01", "RFU (04)", "MIFARE Classic 1K")]
        public void PcscPart3StorageCardsAreNamed(string ssnn, string standard, string name)
        {
            var r = ParseWithTck($"3B 8F 80 01 80 4F 0C A0 00 00 03 06 {ssnn} 00 00 00 00");
            Assert.Equal(standard, r.ContactlessStandard);
            Assert.Equal(name, r.ContactlessCardName);
            var aid = r.HistoricalObjects.Single();
            Assert.Equal("4F", aid.Tag);
            Assert.Equal(12, aid.Length);
            Assert.True(r.CheckByteValid);
            Assert.Empty(r.Problems);
        }

        [Fact]
        public void AnotherRidAfter4FIsReadAsCompactTlv()
        {
            var r = Parse("3B 04 80 4F 01 02");
            Assert.Null(r.ContactlessCardName);
            Assert.Equal("4", r.HistoricalObjects[0].Tag);
        }
    }
}
