using System;
using System.Collections.Generic;
using SmartCardPS.Pcsc;

namespace SmartCardPS.Events
{
    /// <summary>
    /// Turns two successive observations of one reader into the card events between them. Pure, so the
    /// rules are tested without a PC/SC service.
    /// </summary>
    internal static class CardTransitions
    {
        /// <summary>
        /// The CardRemoved and CardInserted events, in order, that lead from <paramref name="before"/> to
        /// <paramref name="after"/>, both seen by the same service. The event counter says
        /// how many insertions and removals happened, so a card swapped between two waits still gives CardRemoved
        /// then CardInserted. Cards that came and went unseen in between have no known ATR. <paramref name="cardNameOf"/>
        /// names the cards whose ATR is known.
        /// </summary>
        public static List<SmartCardEvent> Between(string reader, ReaderEventState before, byte[] beforeAtr,
            ReaderEventState after, byte[] afterAtr, DateTimeOffset at, Func<byte[], string> cardNameOf = null)
        {
            int changes = CountChanges(before, beforeAtr, after, afterAtr);

            var events = new List<SmartCardEvent>(changes);
            SmartCardReaderState state = after.ReportedFlags;
            bool present = before.CardPresent;
            for (int i = 1; i <= changes; i++)
            {
                SmartCardEventType type = present ? SmartCardEventType.CardRemoved : SmartCardEventType.CardInserted;
                byte[] atr = present ? (i == 1 ? beforeAtr : null) : (i == changes ? afterAtr : null);
                events.Add(new SmartCardEvent(at, type, reader, state, atr, NameOf(atr, cardNameOf)));
                present = !present;
            }
            return events;
        }

        /// <summary>The card's name when its ATR is known and a namer is given; null otherwise.</summary>
        internal static string NameOf(byte[] atr, Func<byte[], string> cardNameOf) =>
            atr != null && atr.Length > 0 ? cardNameOf?.Invoke(atr) : null;

        private static int CountChanges(ReaderEventState before, byte[] beforeAtr, ReaderEventState after, byte[] afterAtr)
        {
            bool wasPresent = before.CardPresent, isPresent = after.CardPresent;
            // The least the presence bit and the ATR prove: one change if presence flipped, a swap if the ATR differs.
            int least = wasPresent != isPresent ? 1 : wasPresent && !SameBytes(beforeAtr, afterAtr) ? 2 : 0;
            // Where the platform keeps no counter both counters are zero and the count adds nothing.
            int counted = after.EventsSince(before);
            // An odd count with unchanged presence (or even with a flip) cannot be insertions and removals alone:
            // trust the presence bit and drop the extra count rather than invent a card.
            if ((counted & 1) != (least & 1)) counted--;
            return Math.Max(counted, least);
        }

        private static bool SameBytes(byte[] a, byte[] b)
        {
            int la = a?.Length ?? 0, lb = b?.Length ?? 0;
            if (la != lb) return false;
            for (int i = 0; i < la; i++) if (a[i] != b[i]) return false;
            return true;
        }
    }
}
