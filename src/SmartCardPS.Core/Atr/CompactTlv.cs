using System.Collections.Generic;
using System;
using SmartCardPS.Iso7816;
using SmartCardPS.Text;

namespace SmartCardPS.Atr
{
    /// <summary>COMPACT-TLV data objects of the historical bytes (ISO/IEC 7816-4 (2013) 12.1.1.x): one byte holds tag and length.</summary>
    internal static class CompactTlv
    {
        private static readonly string[] Tags = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F" };

        private static readonly string[] Names =
        {
            "RFU tag", "Country code and national data", "Issuer identification number", "Card service data",
            "Initial access data", "Card issuer's data", "Pre-issuing data", "Card capabilities", "Status indicator",
            "RFU tag", "RFU tag", "RFU tag", "RFU tag", "RFU tag", "RFU tag", "Application identifier",
        };

        // Tag 8, the status indicator, is decoded apart: its values also go into the ATR's properties.
        private static readonly Func<byte[], string>[] Describers =
        {
            null, Country, Issuer, v => v.Length > 0 ? CardServiceData(v[0]) : "", null, null, null,
            CardCapabilities, null, null, null, null, null, null, null, null,
        };

        public static void Decode(byte[] atr, int p, int end, AnswerToReset result, List<AtrHistoricalObject> objects, List<string> problems)
        {
            while (p < end)
            {
                byte header = atr[p];
                int tag = header >> 4, length = header & 0x0F;
                int present = Math.Min(length, end - p - 1);
                if (present < length)
                {
                    problems.Add($"COMPACT-TLV object {header:X2} (byte {p}) announces {length} byte{(length == 1 ? "" : "s")} but only {present} remain in the historical bytes.");
                }
                var value = Slice(atr, p + 1, present);
                objects.Add(tag == 0x8
                    ? Status(Tags[tag], Names[tag], length, value, result)
                    : new AtrHistoricalObject(Tags[tag], Names[tag], length, value, Describers[tag]));
                p += 1 + present;
            }
        }

        /// <summary>The mandatory status indicator of category 00: the last <paramref name="n"/> historical bytes.</summary>
        public static AtrHistoricalObject StatusIndicator(string tag, string name, byte[] atr, int p, int n, AnswerToReset result) =>
            Status(tag, name, n, Slice(atr, p, n), result);

        /// <summary>
        /// A status indicator, decoded once into the ATR's LifeCycleStatus and StatusWord, which its text then shows:
        /// one byte is LCS, two are SW1 SW2, three are LCS SW1 SW2.
        /// </summary>
        private static AtrHistoricalObject Status(string tag, string name, int length, byte[] v, AnswerToReset result)
        {
            string lifeCycle = v.Length == 1 || v.Length == 3 ? $"{Hex.Byte(v[0])}: {AtrTables.LifeCycle(v[0])}" : null;
            string statusWord = v.Length >= 2 ? Hex.Format(v, v.Length - 2, 2) : null;
            if (lifeCycle != null) result.lifeCycleStatus = lifeCycle;
            if (statusWord != null) result.statusWord = statusWord;
            return new AtrHistoricalObject(tag, name, length, v, value => StatusText(lifeCycle, statusWord, value));
        }

        public static byte[] Slice(byte[] atr, int p, int n)
        {
            var value = new byte[n];
            Buffer.BlockCopy(atr, p, value, 0, n);
            return value;
        }

        private static string StatusText(string lifeCycle, string statusWord, byte[] v)
        {
            if (statusWord == null) return lifeCycle == null ? "" : "life cycle status " + lifeCycle;
            // The meaning of SW1-SW2 (as a pair, from the ISO/IEC 7816-4 table cards' answers use) is looked up when shown.
            string sw = $"SW1 SW2 {statusWord}: {StatusWords.Describe(v[v.Length - 2], v[v.Length - 1])}";
            return lifeCycle == null ? sw : "life cycle status " + lifeCycle + "; " + sw;
        }

        private static string Country(byte[] v) => v.Length >= 2 ? "country code " + Digits(v, 3) + " (ISO 3166-1)" : "";

        private static string Issuer(byte[] v) => v.Length > 0 ? "IIN " + Digits(v, 2 * v.Length).TrimEnd('F') + " (ISO/IEC 7812-1)" : "";

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

        private static string CardCapabilities(byte[] v)
        {
            var parts = new List<string>(3);
            if (v.Length >= 1)
            {
                var methods = new List<string>(8);
                for (int bit = 0; bit < 8; bit++) if ((v[0] & (0x80 >> bit)) != 0) methods.Add(SelectionMethods[bit]);
                parts.Add("selection methods: " + (methods.Count == 0 ? "none" : string.Join(", ", methods)));
            }
            if (v.Length >= 2)
            {
                byte dc = v[1];
                parts.Add("data coding: " + ((dc & 0x80) != 0 ? "EF of TLV structure supported, " : "")
                    + "write functions " + WriteBehaviours[dc >> 5 & 0x3]
                    + ", value FF for the first byte of BER-TLV tags " + ((dc & 0x10) != 0 ? "valid" : "invalid")
                    + ", data unit " + (1 << (dc & 0x0F)) + " quartets");
            }
            if (v.Length >= 3)
            {
                byte cc = v[2];
                int channels = (cc & 0x07) + 1;
                parts.Add(((cc & 0x80) != 0 ? "command chaining, " : "no command chaining, ")
                    + ((cc & 0x40) != 0 ? "extended Lc and Le fields, " : "short Lc and Le fields only, ")
                    + ((cc & 0x20) != 0 ? "extended length information in EF.ATR/INFO, " : "")
                    + ChannelAssignment[cc >> 3 & 0x3]
                    + ((cc & 0x18) != 0 ? ", at most " + (channels == 8 ? "8 or more" : channels.ToString()) + " logical channels" : ""));
            }
            return string.Join("; ", parts);
        }

        private static string Digits(byte[] v, int digits)
        {
            string hex = Hex.Format(v, 0, Math.Min(v.Length, (digits + 1) / 2), spaced: false);
            return hex.Substring(0, Math.Min(digits, hex.Length));
        }
    }
}
