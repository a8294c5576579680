namespace SmartCardPS
{
    /// <summary>One interface byte (TAi, TBi, TCi or TDi) of an ATR with what ISO/IEC 7816-3 makes of it.</summary>
    public sealed class AtrInterfaceByte
    {
        internal AtrInterfaceByte(char kind, int index, int offset, byte value, int? protocol, string meaning)
        {
            Name = "T" + kind + index;
            Kind = kind.ToString();
            Index = index;
            Offset = offset;
            Value = value;
            Protocol = protocol;
            Meaning = meaning;
        }

        /// <summary>TA1, TB1, ... TD3.</summary>
        public string Name { get; }

        /// <summary>A, B, C or D.</summary>
        public string Kind { get; }

        /// <summary>The i of TAi: the group the byte belongs to.</summary>
        public int Index { get; }

        /// <summary>Position of the byte in the ATR (TS is 0).</summary>
        public int Offset { get; }

        public byte Value { get; }

        /// <summary>The protocol the byte is specific to (15 for global bytes after T=15); null for TA1 to TC2 and the TDi.</summary>
        public int? Protocol { get; }

        public string Meaning { get; }

        public override string ToString() => Name + " = " + Value.ToString("X2");
    }
}
