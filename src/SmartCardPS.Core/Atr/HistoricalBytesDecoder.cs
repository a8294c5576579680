using System.Collections.Generic;
using SmartCardPS.Text;

namespace SmartCardPS.Atr
{
    /// <summary>The historical bytes per ISO/IEC 7816-4 (2013) 12.1.1: category indicator, COMPACT-TLV objects, status indicator.</summary>
    internal static class HistoricalBytesDecoder
    {
        public static void Decode(byte[] atr, int start, int count, AnswerToReset result, List<string> problems)
        {
            result.historicalBytes = Hex.Format(atr, start, count);
            var objects = new List<AtrHistoricalObject>();
            if (count > 0) DecodeCategory(atr, start, start + count, result, objects, problems);
            result.historicalObjects = objects.ToArray();
        }

        private static void DecodeCategory(byte[] atr, int start, int end, AnswerToReset result, List<AtrHistoricalObject> objects, List<string> problems)
        {
            byte category = atr[start];
            result.categoryIndicator = Hex.Byte(category);
            int p = start + 1;
            switch (category)
            {
                case 0x00:
                    result.categoryMeaning = "COMPACT-TLV data objects, then a mandatory status indicator (last 3 bytes)";
                    if (end - p < 3)
                    {
                        // Without its status indicator there is no telling where the objects end, so none are read.
                        problems.Add($"Category indicator 00 requires a 3-byte status indicator at the end of the historical bytes, but only {end - p} bytes follow it.");
                        return;
                    }
                    CompactTlv.Decode(atr, p, end - 3, result, objects, problems);
                    objects.Add(CompactTlv.StatusIndicator("", "Status indicator (mandatory, last 3 bytes)", atr, end - 3, 3, result));
                    return;
                case 0x80:
                    result.categoryMeaning = "COMPACT-TLV data objects (a status indicator may be one of them)";
                    int next = PcscPart3.TryDecode(atr, p, end, result, objects);
                    CompactTlv.Decode(atr, next < 0 ? p : next, end, result, objects, problems);
                    return;
                case 0x10:
                    result.categoryMeaning = "DIR data reference follows";
                    if (end - p == 0)
                    {
                        problems.Add("Category indicator 10 announces a DIR data reference, but no byte follows it.");
                        return;
                    }
                    objects.Add(new AtrHistoricalObject("", "DIR data reference", end - p, CompactTlv.Slice(atr, p, end - p), null));
                    return;
                default:
                    result.categoryMeaning = category >= 0x81 && category <= 0x8F ? "RFU" : "proprietary format";
                    return;
            }
        }
    }
}
