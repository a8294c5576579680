using System;

namespace SmartCardPS
{
    /// <summary>One change seen by a <see cref="ReaderMonitor"/>: a reader came or went, a card was inserted or removed.</summary>
    public sealed class SmartCardEvent
    {
        public SmartCardEvent() { }

        internal SmartCardEvent(DateTimeOffset timeStamp, SmartCardEventType eventType, string reader, SmartCardReaderState state, byte[] atr)
        {
            TimeStamp = timeStamp;
            EventType = eventType;
            Reader = reader;
            State = state;
            if (atr != null && atr.Length > 0)
            {
                Atr = Hex.Format(atr);
                CardName = AtrDatabase.Default.CardNameOf(atr);
            }
        }

        public DateTimeOffset TimeStamp { get; set; }
        public SmartCardEventType EventType { get; set; }
        public string Reader { get; set; }

        /// <summary>Uppercase hex bytes separated by spaces, for the card inserted or removed; null when it is not known.</summary>
        public string Atr { get; set; }

        /// <summary>What the ATR identifies the card as; null when it is not identified.</summary>
        public string CardName { get; set; }

        /// <summary>The reader's state flags as reported with this change; Unknown when the reader or the service went away.</summary>
        public SmartCardReaderState State { get; set; }

        public override string ToString() => $"{EventType} {Reader}";

        /// <summary>
        /// A reader's flags from an SCARD_READERSTATE event state: without the event counter (upper 16 bits) and
        /// without Changed, which only says the wait returned and would be on every event.
        /// </summary>
        internal static SmartCardReaderState StateOf(uint eventState) =>
            (SmartCardReaderState)(eventState & 0xFFFF) & ~SmartCardReaderState.Changed;
    }
}
