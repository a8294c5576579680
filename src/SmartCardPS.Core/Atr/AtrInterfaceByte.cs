using SmartCardPS.Text;

namespace SmartCardPS.Atr
{
    /// <summary>One interface byte (TAi, TBi, TCi or TDi) of an ATR with what ISO/IEC 7816-3 makes of it.</summary>
    public sealed class AtrInterfaceByte
    {
        private readonly AnswerToReset atr;
        private string meaning;

        internal AtrInterfaceByte(char kind, int index, int offset, byte value, int? protocol, bool firstForProtocol, AnswerToReset atr)
        {
            this.atr = atr;
            KindChar = kind;
            Index = index;
            Offset = offset;
            Value = value;
            Protocol = protocol;
            FirstForProtocol = firstForProtocol;
        }

        internal char KindChar { get; }

        /// <summary>The first TAi, TBi or TCi for its protocol: the only one the standard gives a meaning.</summary>
        internal bool FirstForProtocol { get; }

        /// <summary>TA1, TB1, ... TD3.</summary>
        public string Name => "T" + KindChar + Index;

        /// <summary>A, B, C or D.</summary>
        public string Kind => KindChar.ToString();

        /// <summary>The i of TAi: the group the byte belongs to.</summary>
        public int Index { get; }

        /// <summary>Position of the byte in the ATR (TS is 0).</summary>
        public int Offset { get; }

        public byte Value { get; }

        /// <summary>The protocol the byte is specific to (15 for global bytes after T=15); null for TA1 to TC2 and the TDi.</summary>
        public int? Protocol { get; }

        // Text is made on first read: decoding thousands of ATRs should not pay for descriptions nobody looks at.
        // It shows the values the parser decoded into the ATR's properties rather than decoding the byte again.
        public string Meaning => meaning ?? (meaning = InterfaceByteMeanings.Describe(this, atr));

        public override string ToString() => Name + " = " + Hex.Byte(Value);
    }
}
