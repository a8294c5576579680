using System;
using System.Linq;
using SmartCardPS.Events;
using SmartCardPS.Pcsc;
using Xunit;

namespace SmartCardPS.Tests.Events
{
    /// <summary>The rules that turn two observations of a reader into card events, without a PC/SC service.</summary>
    public class CardTransitionTests
    {
        private const uint Empty = (uint)SmartCardReaderState.Empty;
        private const uint Present = (uint)(SmartCardReaderState.Present | SmartCardReaderState.Changed);
        private static readonly byte[] AtrA = { 0x3B, 0x8F, 0x80, 0x01 };
        private static readonly byte[] AtrB = { 0x3B, 0x9F, 0x95, 0x81 };
        private static readonly byte[] NoAtr = Array.Empty<byte>();

        private static uint State(uint flags, int counter) => flags | ((uint)counter << 16);

        private static string[] Describe(uint before, byte[] beforeAtr, uint after, byte[] afterAtr) =>
            CardTransitions.Between("R", before, beforeAtr, after, afterAtr, DateTimeOffset.Now)
                .Select(e => $"{e.EventType}:{e.Atr ?? "-"}").ToArray();

        [Fact]
        public void AnInsertionGivesCardInsertedWithTheAtr()
        {
            Assert.Equal(new[] { "CardInserted:3B 8F 80 01" }, Describe(State(Empty, 4), NoAtr, State(Present, 5), AtrA));
        }

        [Fact]
        public void ARemovalGivesCardRemovedWithTheOldAtr()
        {
            Assert.Equal(new[] { "CardRemoved:3B 8F 80 01" }, Describe(State(Present, 5), AtrA, State(Empty, 6), NoAtr));
        }

        [Fact]
        public void ASwapBetweenTwoWaitsGivesRemovedThenInserted()
        {
            Assert.Equal(new[] { "CardRemoved:3B 8F 80 01", "CardInserted:3B 9F 95 81" },
                Describe(State(Present, 5), AtrA, State(Present, 7), AtrB));
        }

        [Fact]
        public void TheSameCardReinsertedBetweenTwoWaitsIsStillReported()
        {
            Assert.Equal(new[] { "CardRemoved:3B 8F 80 01", "CardInserted:3B 8F 80 01" },
                Describe(State(Present, 5), AtrA, State(Present, 7), AtrA));
        }

        [Fact]
        public void ACardThatCameAndWentUnseenIsReportedWithoutAnAtr()
        {
            Assert.Equal(new[] { "CardInserted:-", "CardRemoved:-" }, Describe(State(Empty, 2), NoAtr, State(Empty, 4), NoAtr));
            Assert.Equal(new[] { "CardInserted:-", "CardRemoved:-", "CardInserted:3B 9F 95 81" },
                Describe(State(Empty, 2), NoAtr, State(Present, 5), AtrB));
        }

        [Fact]
        public void AChangeWithoutCountOrPresenceChangeGivesNothing()
        {
            uint inUse = (uint)(SmartCardReaderState.Present | SmartCardReaderState.InUse);
            Assert.Empty(Describe(State(Present, 5), AtrA, State(inUse, 5), AtrA));
        }

        [Fact]
        public void TheCounterWrapsAt16Bits()
        {
            Assert.Equal(new[] { "CardInserted:3B 8F 80 01" }, Describe(State(Empty, 0xFFFF), NoAtr, State(Present, 0), AtrA));
        }

        [Fact]
        public void WithoutCountersPresenceAndAtrDecide()
        {
            Assert.Equal(new[] { "CardInserted:3B 8F 80 01" }, Describe(Empty, NoAtr, Present, AtrA));
            Assert.Equal(new[] { "CardRemoved:3B 8F 80 01", "CardInserted:3B 9F 95 81" }, Describe(Present, AtrA, Present, AtrB));
        }

        [Fact]
        public void ACountAtOddsWithPresenceNeverInventsACard()
        {
            // One count but no flip: not an insertion or a removal, so nothing.
            Assert.Empty(Describe(State(Present, 5), AtrA, State(Present, 6), AtrA));
            // Two counts with a flip: the flip, once.
            Assert.Equal(new[] { "CardInserted:3B 8F 80 01" }, Describe(State(Empty, 5), NoAtr, State(Present, 7), AtrA));
        }

        [Fact]
        public void EventsCarryTheReaderStateWithoutTheCounterOrChanged()
        {
            var e = CardTransitions.Between("R", State(Empty, 1), NoAtr, State(Present, 2), AtrA, DateTimeOffset.Now).Single();
            Assert.Equal("R", e.Reader);
            Assert.Equal(SmartCardReaderState.Present, e.State);
            Assert.Null(e.CardName);
        }
    }
}
