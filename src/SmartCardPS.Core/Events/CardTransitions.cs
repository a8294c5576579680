using System;
using System.Collections.Generic;

namespace SmartCardPS
{
    /// <summary>
    /// Turns two successive observations of one reader into the card events between them. Pure, so the
    /// rules are tested without a PC/SC service.
    /// </summary>
    internal static class CardTransitions
    {
        private const uint Present = (uint)SmartCardReaderState.Present;

        /// <summary>
        /// The CardRemoved and CardInserted events, in order, that lead from <paramref name="beforeState"/> to
        /// <paramref name="afterState"/>, both seen by the same service. The event counter in the upper 16 bits says
        /// how many insertions and removals happened, so a card swapped between two waits still gives CardRemoved
        /// then CardInserted. Cards that came and went unseen in between have no known ATR.
        /// </summary>
        public static List<SmartCardEvent> Between(string reader, uint beforeState, byte[] beforeAtr,
            uint afterState, byte[] afterAtr, DateTimeOffset at)
        {
            bool wasPresent = (beforeState & Present) != 0;
            bool isPresent = (afterState & Present) != 0;
            int changes = CountChanges(wasPresent, beforeAtr, beforeState, isPresent, afterAtr, afterState);

            var events = new List<SmartCardEvent>(changes);
            SmartCardReaderState state = SmartCardEvent.StateOf(afterState);
            bool present = wasPresent;
            for (int i = 1; i <= changes; i++)
            {
                if (present)
                    events.Add(new SmartCardEvent(at, SmartCardEventType.CardRemoved, reader, state, i == 1 ? beforeAtr : null));
                else
                    events.Add(new SmartCardEvent(at, SmartCardEventType.CardInserted, reader, state, i == changes ? afterAtr : null));
                present = !present;
            }
            return events;
        }

        private static int CountChanges(bool wasPresent, byte[] beforeAtr, uint beforeState,
            bool isPresent, byte[] afterAtr, uint afterState)
        {
            // The least the presence bit and the ATR prove: one change if presence flipped, a swap if the ATR differs.
            int least = wasPresent != isPresent ? 1 : wasPresent && !SameBytes(beforeAtr, afterAtr) ? 2 : 0;
            // Where the platform keeps no counter both words are zero and the count adds nothing.
            int counted = (int)(((afterState >> 16) - (beforeState >> 16)) & 0xFFFF);
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
