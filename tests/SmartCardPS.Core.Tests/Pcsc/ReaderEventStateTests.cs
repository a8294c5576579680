using SmartCardPS.Pcsc;
using Xunit;

namespace SmartCardPS.Tests.Pcsc
{
    /// <summary>The one decoder of SCardGetStatusChange's event-state word: flags low, event counter high.</summary>
    public class ReaderEventStateTests
    {
        private static uint Word(SmartCardReaderState flags, int counter) => ((uint)counter << 16) | (uint)flags;

        [Fact]
        public void SplitsTheFlagsFromTheEventCounter()
        {
            ReaderEventState s = Word(SmartCardReaderState.Present | SmartCardReaderState.InUse | SmartCardReaderState.Changed, 0x1234);
            Assert.Equal(SmartCardReaderState.Present | SmartCardReaderState.InUse | SmartCardReaderState.Changed, s.Flags);
            Assert.Equal(0x1234, s.EventCount);
            Assert.True(s.CardPresent);
            Assert.True(s.InUse);
            Assert.True(s.Changed);
            Assert.False(s.Exclusive);
            Assert.False(s.Unknown);
        }

        [Fact]
        public void TheCounterUsesAllSixteenHighBitsAndIsNeverNegative()
        {
            ReaderEventState s = Word(SmartCardReaderState.Empty, 0xFFFF);
            Assert.Equal(0xFFFF, s.EventCount);
            Assert.Equal(SmartCardReaderState.Empty, s.Flags);
            Assert.False(s.CardPresent);
        }

        [Fact]
        public void ReportedFlagsAndWithoutChangedDropOnlyChanged()
        {
            ReaderEventState s = Word(SmartCardReaderState.Present | SmartCardReaderState.Exclusive | SmartCardReaderState.Changed, 3);
            Assert.Equal(SmartCardReaderState.Present | SmartCardReaderState.Exclusive, s.ReportedFlags);
            ReaderEventState quiet = s.WithoutChanged();
            Assert.False(quiet.Changed);
            Assert.Equal(3, quiet.EventCount);
            Assert.Equal(s.ReportedFlags, quiet.Flags);
        }

        [Fact]
        public void EventsSinceCountsAcrossTheSixteenBitWrap()
        {
            ReaderEventState before = Word(SmartCardReaderState.Present, 0xFFFE);
            ReaderEventState after = Word(SmartCardReaderState.Present, 0x0001);
            Assert.Equal(3, after.EventsSince(before));
            Assert.Equal(0, before.EventsSince(before));
        }

        [Fact]
        public void TheValueGoesBackUnchangedAsTheNextCurrentState()
        {
            uint word = Word(SmartCardReaderState.Unknown | SmartCardReaderState.Changed, 9);
            ReaderEventState s = word;
            Assert.Equal(word, s.Value);
            Assert.True(s.Unknown);
            Assert.Equal(new ReaderEventState(SmartCardReaderState.Unknown | SmartCardReaderState.Changed, 9), s);
            Assert.Equal(0u, ReaderEventState.Unaware.Value);
        }
    }
}
