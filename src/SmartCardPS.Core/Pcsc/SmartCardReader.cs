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

        // The -IncludeFeatures properties are declared here, after the others, so that Name leads Format-List,
        // ConvertTo-Json and Export-Csv whatever order the compiler takes the partial files in.
        /// <summary>The part 10 features; empty when the driver has none or refuses SCardControl; null when not asked for.</summary>
        public ReaderFeatureList Features { get; set; }

        /// <summary>True when the reader verifies or modifies PINs on its own keypad; null when features were not asked for.</summary>
        public bool? HasPinPad { get; set; }

        /// <summary>SCARD_ATTR_VENDOR_NAME, where the driver answers.</summary>
        public string VendorName { get; set; }

        /// <summary>SCARD_ATTR_VENDOR_IFD_VERSION as major.minor.build, where the driver answers.</summary>
        public string VendorIfdVersion { get; set; }

        /// <summary>SCARD_ATTR_VENDOR_IFD_SERIAL_NO, where the driver answers.</summary>
        public string VendorSerialNumber { get; set; }

        public override string ToString() => Name;
    }
}
