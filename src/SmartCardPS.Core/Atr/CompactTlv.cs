using System;
using System.Collections.Generic;

namespace SmartCardPS
{
    /// <summary>COMPACT-TLV data objects of the historical bytes (ISO/IEC 7816-4 (2013) 12.1.1.x): one byte holds tag and length.</summary>
    internal static class CompactTlv
    {
        public static void Decode(byte[] atr, int p, int end, AnswerToReset result, List<AtrHistoricalObject> objects, List<string> problems)
        {
            while (p < end)
            {
                byte header = atr[p];
                int tag = header >> 4, length = header & 0x0F;
                int present = Math.Min(length, end - p - 1);
                if (present < length)
                {
                    problems.Add($"COMPACT-TLV object {header:X2} (byte {p}) announces {length} bytes but only {present} remain in the historical bytes.");
                }
                objects.Add(Object(tag, length, atr, p + 1, present, result));
                p += 1 + present;
            }
        }

        private static AtrHistoricalObject Object(int tag, int length, byte[] atr, int p, int n, AnswerToReset result)
        {
            string tagText = tag.ToString("X");
            string value = Hex.Format(atr, p, n);
            switch (tag)
            {
                case 0x1:
                    return new AtrHistoricalObject(tagText, "Country code and national data", length, value,
                        n >= 2 ? "country code " + Digits(atr, p, 3) + " (ISO 3166-1)" : "");
                case 0x2:
                    return new AtrHistoricalObject(tagText, "Issuer identification number", length, value,
                        n > 0 ? "IIN " + Digits(atr, p, 2 * n).TrimEnd('F') + " (ISO/IEC 7812-1)" : "");
                case 0x3:
                    return new AtrHistoricalObject(tagText, "Card service data", length, value, n > 0 ? CardServiceData(atr[p]) : "");
                case 0x4:
                    return new AtrHistoricalObject(tagText, "Initial access data", length, value, "");
                case 0x5:
                    return new AtrHistoricalObject(tagText, "Card issuer's data", length, value, "");
                case 0x6:
                    return new AtrHistoricalObject(tagText, "Pre-issuing data", length, value, "");
                case 0x7:
                    return new AtrHistoricalObject(tagText, "Card capabilities", length, value, CardCapabilities(atr, p, n));
                case 0x8:
                    return StatusIndicator(tagText, "Status indicator", atr, p, n, result);
                case 0xF:
                    return new AtrHistoricalObject(tagText, "Application identifier", length, value, "");
                default:
                    return new AtrHistoricalObject(tagText, "RFU tag", length, value, "");
            }
        }

        /// <summary>One byte: LCS; two: SW1 SW2; three: LCS SW1 SW2.</summary>
        public static AtrHistoricalObject StatusIndicator(string tag, string name, byte[] atr, int p, int n, AnswerToReset result)
        {
            var parts = new List<string>(2);
            if (n == 1 || n == 3)
            {
                result.LifeCycleStatus = $"{atr[p]:X2}: {AtrTables.LifeCycle(atr[p])}";
                parts.Add("life cycle status " + result.LifeCycleStatus);
            }
            if (n >= 2)
            {
                int s = p + n - 2;
                result.StatusWord = Hex.Format(atr, s, 2);
                parts.Add($"SW1 SW2 {result.StatusWord}: {AtrTables.StatusWord(atr[s], atr[s + 1])}");
            }
            return new AtrHistoricalObject(tag, name, n, Hex.Format(atr, p, n), string.Join("; ", parts));
        }

        private static string CardServiceData(byte b)
        {
            var parts = new List<string>(6);
            if ((b & 0x80) != 0) parts.Add("application selection by full DF name");
            if ((b & 0x40) != 0) parts.Add("application selection by partial DF name");
            if ((b & 0x20) != 0) parts.Add("BER-TLV data objects in EF.DIR");
            if ((b & 0x10) != 0) parts.Add("BER-TLV data objects in EF.ATR/INFO");
            switch (b >> 1 & 0x7)
            {
                case 0x4: parts.Add("EF.DIR and EF.ATR/INFO access by READ BINARY"); break;
                case 0x0: parts.Add("EF.DIR and EF.ATR/INFO access by READ RECORD(S)"); break;
                case 0x2: parts.Add("EF.DIR and EF.ATR/INFO access by GET DATA"); break;
                default: parts.Add("EF.DIR and EF.ATR/INFO access RFU"); break;
            }
            parts.Add((b & 0x01) != 0 ? "card without MF" : "card with MF");
            return string.Join("; ", parts);
        }

        private static readonly string[] SelectionMethods =
        {
            "DF selection by full DF name", "DF selection by partial DF name", "DF selection by path",
            "DF selection by file identifier", "implicit DF selection", "short EF identifier supported",
            "record number supported", "record identifier supported",
        };

        private static readonly string[] WriteBehaviours = { "one-time write", "proprietary", "write OR", "write AND" };
        private static readonly string[] ChannelAssignment = { "no logical channel", "logical channel number assigned by the interface device", "logical channel number assigned by the card", "logical channel number assigned by the interface device and the card" };

        private static string CardCapabilities(byte[] atr, int p, int n)
        {
            var parts = new List<string>(12);
            if (n >= 1)
            {
                var methods = new List<string>(8);
                for (int bit = 0; bit < 8; bit++) if ((atr[p] & (0x80 >> bit)) != 0) methods.Add(SelectionMethods[bit]);
                parts.Add("selection methods: " + (methods.Count == 0 ? "none" : string.Join(", ", methods)));
            }
            if (n >= 2)
            {
                byte dc = atr[p + 1];
                parts.Add("data coding: " + ((dc & 0x80) != 0 ? "EF of TLV structure supported, " : "")
                    + "write functions " + WriteBehaviours[dc >> 5 & 0x3]
                    + ", value FF for the first byte of BER-TLV tags " + ((dc & 0x10) != 0 ? "valid" : "invalid")
                    + ", data unit " + (1 << (dc & 0x0F)) + " quartets");
            }
            if (n >= 3)
            {
                byte cc = atr[p + 2];
                int channels = (cc & 0x07) + 1;
                parts.Add(((cc & 0x80) != 0 ? "command chaining, " : "no command chaining, ")
                    + ((cc & 0x40) != 0 ? "extended Lc and Le fields, " : "short Lc and Le fields only, ")
                    + ((cc & 0x20) != 0 ? "extended length information in EF.ATR/INFO, " : "")
                    + ChannelAssignment[cc >> 3 & 0x3]
                    + ((cc & 0x18) != 0 ? ", at most " + (channels == 8 ? "8 or more" : channels.ToString()) + " logical channels" : ""));
            }
            return string.Join("; ", parts);
        }

        private static string Digits(byte[] atr, int p, int digits)
        {
            string hex = Hex.Format(atr, p, (digits + 1) / 2).Replace(" ", "");
            return hex.Substring(0, Math.Min(digits, hex.Length));
        }
    }
}
