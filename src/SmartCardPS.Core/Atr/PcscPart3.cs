using System.Collections.Generic;
using SmartCardPS.Text;

namespace SmartCardPS.Atr
{
    /// <summary>
    /// PC/SC Part 3 storage cards: readers synthesise '80 4F 0C A0 00 00 03 06 SS NN NN 00 00 00 00' as historical
    /// bytes, a BER-TLV AID (tag 4F) with the PC/SC RID, the standard SS and the card name NN NN (Part 3 supplement).
    /// </summary>
    internal static class PcscPart3
    {
        private static readonly byte[] Rid = { 0xA0, 0x00, 0x00, 0x03, 0x06 };

        private static readonly Dictionary<byte, string> Standards = new Dictionary<byte, string>
        {
            [0x00] = "no information given",
            [0x01] = "ISO/IEC 14443 A, part 1",
            [0x02] = "ISO/IEC 14443 A, part 2",
            [0x03] = "ISO/IEC 14443 A, part 3",
            [0x05] = "ISO/IEC 14443 B, part 1",
            [0x06] = "ISO/IEC 14443 B, part 2",
            [0x07] = "ISO/IEC 14443 B, part 3",
            [0x09] = "ISO/IEC 15693, part 1",
            [0x0A] = "ISO/IEC 15693, part 2",
            [0x0B] = "ISO/IEC 15693, part 3",
            [0x0C] = "ISO/IEC 15693, part 4",
            [0x0D] = "contact (ISO/IEC 7816-10) I2C",
            [0x0E] = "contact (ISO/IEC 7816-10) extended I2C",
            [0x0F] = "contact (ISO/IEC 7816-10) 2WBP",
            [0x10] = "contact (ISO/IEC 7816-10) 3WBP",
            [0x11] = "FeliCa",
            [0x40] = "low frequency contactless card",
        };

        // Card name codes 00 01 to 00 3D of the Part 3 supplement, in code order.
        private static readonly string[] Names =
        {
            "no information given", "MIFARE Classic 1K", "MIFARE Classic 4K", "MIFARE Ultralight", "SLE55R_XXXX", null,
            "SR176", "SRI X4K", "AT88RF020", "AT88SC0204CRF", "AT88SC0808CRF", "AT88SC1616CRF", "AT88SC3216CRF",
            "AT88SC6416CRF", "SRF55V10P", "SRF55V02P", "SRF55V10S", "SRF55V02S", "TAG_IT", "LRI512", "ICODESLI",
            "TEMPSENS", "I.CODE1", "PicoPass 2K", "PicoPass 2KS", "PicoPass 16K", "PicoPass 16Ks", "PicoPass 16K(8x2)",
            "PicoPass 16KS(8x2)", "PicoPass 32KS(16+16)", "PicoPass 32KS(16+8x2)", "PicoPass 32KS(8x2+16)",
            "PicoPass 32KS(8x2+8x2)", "LRI64", "I.CODE UID", "I.CODE EPC", "LRI12", "LRI128", "MIFARE Mini",
            "my-d move (SLE 66R01P)", "my-d NFC (SLE 66RxxP)", "my-d proximity 2 (SLE 66RxxS)",
            "my-d proximity enhanced (SLE 55RxxE)", "my-d light (SRF 55V01P)", "PJM Stack Tag (SRF 66V10ST)",
            "PJM Item Tag (SRF 66V10IT)", "PJM Light (SRF 66V01ST)", "Jewel Tag", "Topaz NFC Tag", "AT88SC0104CRF",
            "AT88SC0404CRF", "AT88RF01C", "AT88RF04C", "i-Code SL2", "MIFARE Plus SL1 2K", "MIFARE Plus SL1 4K",
            "MIFARE Plus SL2 2K", "MIFARE Plus SL2 4K", "MIFARE Ultralight C", "FeliCa", "Melexis Sensor Tag (MLX90129)",
            "MIFARE Ultralight EV1",
        };

        /// <summary>Decodes the AID at <paramref name="pos"/> when it is PC/SC's; returns the offset after it, or -1.</summary>
        public static int TryDecode(byte[] atr, int pos, int end, AnswerToReset result, List<AtrHistoricalObject> objects)
        {
            if (end - pos < 2 || atr[pos] != 0x4F) return -1;
            int length = atr[pos + 1];
            if (length < Rid.Length + 3 || pos + 2 + length > end) return -1;
            for (int i = 0; i < Rid.Length; i++) if (atr[pos + 2 + i] != Rid[i]) return -1;

            var value = CompactTlv.Slice(atr, pos + 2, length);
            string standard = StandardOf(value), cardName = CardNameOf(value);
            result.contactlessStandard = standard;
            result.contactlessCardName = cardName;
            objects.Add(new AtrHistoricalObject("4F", "Application identifier (BER-TLV, PC/SC Part 3 storage card)", length, value,
                aid => Describe(aid, standard, cardName)));
            return pos + 2 + length;
        }

        private static string StandardOf(byte[] aid)
        {
            byte standard = aid[Rid.Length];
            return Standards.TryGetValue(standard, out string s) ? s : $"RFU ({standard:X2})";
        }

        private static string CardNameOf(byte[] aid)
        {
            int code = aid[Rid.Length + 1] << 8 | aid[Rid.Length + 2];
            return (code < Names.Length ? Names[code] : null) ?? $"not in the PC/SC Part 3 list ({code:X4})";
        }

        /// <summary>The AID as text, from the standard and card name already decoded.</summary>
        private static string Describe(byte[] aid, string standard, string cardName)
        {
            string rfu = aid.Length > Rid.Length + 3 ? "; RFU " + Hex.Format(aid, Rid.Length + 3, aid.Length - Rid.Length - 3) : "";
            return $"RID A0 00 00 03 06 (PC/SC Workgroup); standard {Hex.Byte(aid[Rid.Length])}: {standard}; card name {Hex.Format(aid, Rid.Length + 1, 2)}: {cardName}{rfu}";
        }
    }
}
