using SmartCardPS.Text;

namespace SmartCardPS.Pcsc
{
    /// <summary>One PC/SC reader and what is in it, as seen at one moment.</summary>
    public sealed partial class SmartCardReader
    {
        public SmartCardReader() { }

        internal SmartCardReader(string name, ReaderEventState state, byte[] atr, string cardName = null)
        {
            Name = name;
            State = state.Flags;
            EventCount = state.EventCount;
            CardPresent = state.CardPresent;
            Atr = CardPresent && atr != null && atr.Length > 0 ? Hex.Format(atr) : null;
            CardName = Atr != null ? cardName : null;
        }

        public string Name { get; set; }
        public SmartCardReaderState State { get; set; }
        public bool CardPresent { get; set; }

        /// <summary>Uppercase hex bytes separated by spaces; null without a card.</summary>
        public string Atr { get; set; }

        /// <summary>The card's first description in smartcard_list.txt; null without a card or a match.</summary>
        public string CardName { get; set; }

        public bool InUse => (State & SmartCardReaderState.InUse) != 0;
        public bool Exclusive => (State & SmartCardReaderState.Exclusive) != 0;

        /// <summary>The reader's event counter (upper 16 bits of the event state); 0 where the platform keeps none.</summary>
        public int EventCount { get; set; }

        public override string ToString() => Name;
    }
}
