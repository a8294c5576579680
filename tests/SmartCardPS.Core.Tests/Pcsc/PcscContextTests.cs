using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using SmartCardPS.Interop;
using SmartCardPS.Pcsc;
using SmartCardPS.TestFixture;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Pcsc
{
    /// <summary>The core's reader snapshots against the real pcscd + vpcd, cross-checked with opensc-tool.</summary>
    [Collection(PcscCollection.Name)]
    public class PcscContextTests
    {
        public const string ShortT0Atr = "3B 02 14 50";
        public const string T1Atr = "3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC";
        public const string ContactlessAtr = "3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A";

        private readonly PcscFixtureHost host;

        public PcscContextTests(PcscFixtureHost host) => this.host = host;

        private static SmartCardReader WaitFor(string reader, bool present)
        {
            var sw = Stopwatch.StartNew();
            while (true)
            {
                using (var context = PcscContext.Establish())
                {
                    var r = context.GetReaders().Single(x => x.Name == reader);
                    if (r.CardPresent == present || sw.Elapsed > TimeSpan.FromSeconds(10)) return r;
                }
                Thread.Sleep(20);
            }
        }

        private static void AssertAgreesWithOpenSc()
        {
            SmartCardReader[] ours;
            using (var context = PcscContext.Establish()) ours = context.GetReaders().ToArray();
            var theirs = OpenScTool.ListReaders();
            Assert.Equal(theirs.Select(r => r.Name), ours.Select(r => r.Name));
            Assert.Equal(theirs.Select(r => r.CardPresent), ours.Select(r => r.CardPresent));
            foreach (var r in theirs)
            {
                Assert.Equal(r.CardPresent ? OpenScTool.Atr(r.Index) : null, ours[r.Index].Atr);
            }
        }

        [SkippableFact]
        public void ListsTheVirtualReadersWithoutCards()
        {
            PcscFixture fixture = host.Fixture;
            using (var context = PcscContext.Establish())
            {
                var readers = context.GetReaders();
                Assert.Equal(fixture.ReaderNames, readers.Select(r => r.Name).ToArray());
                Assert.All(readers, r => Assert.False(r.CardPresent));
                Assert.All(readers, r => Assert.Null(r.Atr));
                Assert.All(readers, r => Assert.True((r.State & SmartCardReaderState.Empty) != 0));
            }
            AssertAgreesWithOpenSc();
        }

        [SkippableTheory]
        [InlineData(ShortT0Atr)]
        [InlineData(T1Atr)]
        [InlineData(ContactlessAtr)]
        public void ReportsTheCardAndItsAtrAsOpenScDoes(string atr)
        {
            PcscFixture fixture = host.Fixture;
            try
            {
                fixture.Insert(0, atr);
                SmartCardReader r = WaitFor(fixture.ReaderNames[0], present: true);
                Assert.True(r.CardPresent);
                Assert.Equal(atr, r.Atr);
                Assert.Equal(SmartCardReaderState.Present, r.State & ~SmartCardReaderState.InUse);
                Assert.False(r.Exclusive);
                AssertAgreesWithOpenSc();
            }
            finally
            {
                fixture.Remove(0);
                WaitFor(fixture.ReaderNames[0], present: false);
            }
        }

        [SkippableFact]
        public void TwoReadersHoldDifferentCards()
        {
            PcscFixture fixture = host.Fixture;
            try
            {
                fixture.Insert(0, T1Atr);
                fixture.Insert(1, ContactlessAtr);
                Assert.Equal(T1Atr, WaitFor(fixture.ReaderNames[0], true).Atr);
                Assert.Equal(ContactlessAtr, WaitFor(fixture.ReaderNames[1], true).Atr);
                AssertAgreesWithOpenSc();
            }
            finally
            {
                fixture.Remove(0);
                fixture.Remove(1);
                WaitFor(fixture.ReaderNames[0], false);
                WaitFor(fixture.ReaderNames[1], false);
            }
        }

        [SkippableFact]
        public void ARemovedCardLeavesAnEmptyReader()
        {
            PcscFixture fixture = host.Fixture;
            fixture.Insert(0, ShortT0Atr);
            int countWithCard = WaitFor(fixture.ReaderNames[0], true).EventCount;
            fixture.Remove(0);
            SmartCardReader r = WaitFor(fixture.ReaderNames[0], false);
            Assert.False(r.CardPresent);
            Assert.Null(r.Atr);
            Assert.True(r.EventCount > countWithCard, "the reader's event counter advances when the card goes");
            AssertAgreesWithOpenSc();
        }

        [SkippableFact]
        public void NoServiceIsATypedErrorThatSaysHowToStartIt()
        {
            PcscFixture fixture = host.Fixture;
            fixture.StopDaemon();
            try
            {
                var ex = Assert.Throws<PcscException>(() => PcscContext.Establish());
                Assert.Equal(ScardError.NoService, ex.Error);
                Assert.Equal("SCARD_E_NO_SERVICE", ex.ErrorName);
                Assert.Equal(unchecked((int)0x8010001D), ex.HResult);
                Assert.True(ex.IsServiceUnavailable);
                Assert.Contains("0x8010001D", ex.Message);
                Assert.Contains("systemctl start pcscd.socket", ex.Message);
            }
            finally
            {
                fixture.StartDaemon();
            }
            using (var context = PcscContext.Establish()) Assert.Equal(fixture.ReaderNames, context.ListReaders());
        }

        [SkippableFact]
        public void ContextsAreValidUntilDisposedAndCancelIsHarmlessWhenIdle()
        {
            host.Fixture.ToString();
            var context = PcscContext.Establish();
            Assert.True(context.IsValid);
            context.Cancel();
            Assert.True(context.IsValid);
            context.Dispose();
            Assert.False(context.IsValid);
            // Cancelling a disposed context is a no-op: no exception, no call on the released handle.
            Assert.Null(Record.Exception(() => context.Cancel()));
            Assert.False(context.IsValid);
        }
    }
}
