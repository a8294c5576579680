using System;
using SmartCardPS.Pcsc;
using SmartCardPS.Text;

namespace SmartCardPS.Events
{
    /// <summary>One change seen by a <see cref="ReaderMonitor"/>: a reader came or went, a card was inserted or removed.</summary>
    public sealed class SmartCardEvent
    {
        public SmartCardEvent() { }

        internal SmartCardEvent(DateTimeOffset timeStamp, SmartCardEventType eventType, string reader, SmartCardReaderState state,
            byte[] atr = null, string cardName = null)
        {
            TimeStamp = timeStamp;
            EventType = eventType;
            Reader = reader;
            State = state;
            if (atr != null && atr.Length > 0)
            {
                Atr = Hex.Format(atr);
                CardName = cardName;
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
    }
}
