using System;
using SmartCardPS.Text;

namespace SmartCardPS.Atr
{
    /// <summary>One data object of the historical bytes (ISO/IEC 7816-4 COMPACT-TLV, the mandatory status indicator, or a PC/SC Part 3 BER-TLV AID).</summary>
    public sealed class AtrHistoricalObject
    {
        private readonly byte[] value;
        private readonly Func<byte[], string> describe;
        private string meaning;

        internal AtrHistoricalObject(string tag, string name, int length, byte[] value, Func<byte[], string> describe)
        {
            Tag = tag;
            Name = name;
            Length = length;
            this.value = value;
            this.describe = describe;
        }

        /// <summary>The tag as written in the ATR: one hex digit for COMPACT-TLV ('7' for a '73' header), '4F' for a BER-TLV AID, empty for the status indicator of category 00.</summary>
        public string Tag { get; }

        public string Name { get; }

        /// <summary>The length the object announces.</summary>
        public int Length { get; }

        /// <summary>The value bytes present, as hex.</summary>
        public string Value => Hex.Format(value);

        // Text is made on first read, as for the interface bytes.
        /// <summary>The value decoded; empty where the standard gives it no structure.</summary>
        public string Meaning => meaning ?? (meaning = describe == null ? "" : describe(value));

        public override string ToString() => Name + ": " + Value;
    }
}
