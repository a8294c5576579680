using System;
using System.Linq;
using System.Threading;
using SmartCardPS.Events;
using SmartCardPS.Interop;
using SmartCardPS.Pcsc;
using SmartCardPS.TestFixture;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Events
{
    /// <summary>The monitor against the real pcscd and vpcd virtual readers.</summary>
    [Collection(PcscCollection.Name)]
    public class ReaderMonitorTests : IDisposable
    {
        internal const string AtrA = "3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A";
        internal const string AtrB = "3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4";
        internal const string AtrC = "3B 02 14 50";

        private readonly PcscFixtureHost host;
        private PcscFixture fixture;

        public ReaderMonitorTests(PcscFixtureHost host) => this.host = host;

        /// <summary>The running fixture; first use skips the test where it cannot run.</summary>
        private PcscFixture Fixture => fixture ?? (fixture = host.Fixture);

        /// <summary>Every test leaves both readers there and empty, whatever it did and however it ended.</summary>
        public void Dispose()
        {
            if (fixture == null) return;
            if (fixture.ReaderNames.Length != 2) fixture.SetReaderCount(2);
            CardWaits.Clear(fixture);
        }

        [SkippableFact]
        public void InsertionsAndRemovalsGiveTheExactSequenceWithAtrs()
        {
            var fixture = Fixture;
            string r0 = fixture.ReaderNames[0], r1 = fixture.ReaderNames[1];
            using (var run = new MonitorRun().WhenWaiting())
            {
                fixture.Insert(0, AtrA);
                Assert.Equal($"CardInserted {r0} {AtrA}", MonitorRun.Describe(run.Take()));
                fixture.Insert(1, AtrB);
                Assert.Equal($"CardInserted {r1} {AtrB}", MonitorRun.Describe(run.Take()));
                fixture.Remove(0);
                Assert.Equal($"CardRemoved {r0} {AtrA}", MonitorRun.Describe(run.Take()));
                fixture.Insert(0, AtrC);
                Assert.Equal($"CardInserted {r0} {AtrC}", MonitorRun.Describe(run.Take()));
                fixture.Remove(1);
                Assert.Equal($"CardRemoved {r1} {AtrB}", MonitorRun.Describe(run.Take()));
                fixture.Remove(0);
                SmartCardEvent last = run.Take();
                Assert.Equal($"CardRemoved {r0} {AtrC}", MonitorRun.Describe(last));
                Assert.Equal(SmartCardReaderState.Empty, last.State & SmartCardReaderState.Empty);
                run.AssertQuiet();
            }
        }

        [SkippableFact]
        public void CurrentStateIsReportedFirstOnlyWhenAskedFor()
        {
            var fixture = Fixture;
            string r0 = fixture.ReaderNames[0], r1 = fixture.ReaderNames[1];
            fixture.Insert(1, AtrB);
            using (var run = new MonitorRun(includeCurrentState: true).WhenWaiting())
            {
                Assert.Equal(new[] { $"ReaderAdded {r0} -", $"ReaderAdded {r1} -", $"CardInserted {r1} {AtrB}" },
                    run.Take(3).Select(MonitorRun.Describe).ToArray());
                run.AssertQuiet();
            }
            using (var run = new MonitorRun().WhenWaiting())
            {
                run.AssertQuiet();
                fixture.Remove(1);
                Assert.Equal($"CardRemoved {r1} {AtrB}", MonitorRun.Describe(run.Take()));
            }
        }

        [SkippableFact]
        public void ChangesBetweenTwoWaitsAreCountedNotLost()
        {
            var fixture = Fixture;
            string r0 = fixture.ReaderNames[0];
            using (var monitor = new ReaderMonitor())
            {
                Assert.Null(monitor.Next(TimeSpan.FromMilliseconds(50)));
                // Nobody waits now: pcscd sees a card come, go, and another come.
                fixture.Insert(0, AtrA);
                // Taken out while pcscd is still powering it, the card comes out mute and the reader's next card
                // could wait past any timeout (seen in full runs): out only once pcscd reports it with its ATR.
                CardWaits.Until(r0, present: true, AtrA);
                fixture.Remove(0);
                CardWaits.Until(r0, present: false);
                fixture.Insert(0, AtrB);
                Assert.Equal(new[] { $"CardInserted {r0} -", $"CardRemoved {r0} -", $"CardInserted {r0} {AtrB}" },
                    Enumerable.Range(0, 3).Select(_ => MonitorRun.Describe(monitor.Next(MonitorRun.EventTimeout))).ToArray());

                // A swap between two waits: the present bit never changes, the counter does.
                fixture.Remove(0);
                CardWaits.Until(r0, present: false);
                fixture.Insert(0, AtrC);
                Assert.Equal(new[] { $"CardRemoved {r0} {AtrB}", $"CardInserted {r0} {AtrC}" },
                    Enumerable.Range(0, 2).Select(_ => MonitorRun.Describe(monitor.Next(MonitorRun.EventTimeout))).ToArray());
                Assert.Null(monitor.Next(TimeSpan.FromMilliseconds(600)));
            }
        }

        [SkippableFact]
        public void WithoutThePnpReaderReadersAreRelistedAndCardsStillReportedOnce()
        {
            var fixture = Fixture;
            string r0 = fixture.ReaderNames[0];
            using (var run = new MonitorRun(includeCurrentState: true, usePnp: false).WhenWaiting())
            {
                Assert.False(run.Monitor.WaitsForReaders);
                Assert.Equal(2, run.Take(2).Count(e => e.EventType == SmartCardEventType.ReaderAdded));
                fixture.Insert(0, AtrB);
                Assert.Equal($"CardInserted {r0} {AtrB}", MonitorRun.Describe(run.Take()));
                // Several relisting rounds: readers already known are never reported again.
                run.AssertQuiet((int)(2.5 * ReaderMonitor.RelistInterval.TotalMilliseconds));
                fixture.Remove(0);
                Assert.Equal($"CardRemoved {r0} {AtrB}", MonitorRun.Describe(run.Take()));
            }
        }

        [SkippableFact]
        public void CancelEndsABlockedWaitPromptly()
        {
            _ = Fixture;
            using (var run = new MonitorRun().WhenWaiting())
            {
                Assert.True(run.Stop() < TimeSpan.FromSeconds(1));
            }
        }

        [SkippableFact]
        public void CancelRightAfterStartNeverHangs()
        {
            _ = Fixture;
            // Lands before, during and after the first wait starts: none may be lost.
            for (int i = 0; i < 30; i++)
            {
                using (var run = new MonitorRun())
                {
                    Thread.Sleep(i % 5);
                    Assert.True(run.Stop() < TimeSpan.FromSeconds(1));
                }
            }
        }

        [SkippableFact]
        public void TimeoutEndsNextQuietly()
        {
            _ = Fixture;
            using (var monitor = new ReaderMonitor())
            {
                var sw = System.Diagnostics.Stopwatch.StartNew();
                Assert.Null(monitor.Next(TimeSpan.FromMilliseconds(300)));
                Assert.InRange(sw.ElapsedMilliseconds, 250, 2000);
                Assert.True(monitor.WaitsForReaders, "pcsc-lite has the PnP pseudo-reader, so readers are waited for, not polled.");
            }
        }

        [SkippableFact]
        public void AServiceRestartIsSurvivedAndReported()
        {
            var fixture = Fixture;
            string r0 = fixture.ReaderNames[0], r1 = fixture.ReaderNames[1];
            fixture.Insert(0, AtrA);
            using (var run = new MonitorRun().WhenWaiting())
            {
                fixture.StopDaemon();
                Assert.Equal(new[] { $"CardRemoved {r0} {AtrA}", $"ReaderRemoved {r0} -", $"ReaderRemoved {r1} -" },
                    run.Take(3).Select(MonitorRun.Describe).ToArray());
                // Down long enough for several reconnection attempts: still one notice.
                Thread.Sleep(3 * (int)ReaderMonitor.ReconnectInterval.TotalMilliseconds);
                PcscException loss = Assert.Single(run.Losses);
                Assert.True(loss.IsServiceUnavailable, $"The loss was reported as {loss.ErrorName}: {loss.Message}");

                fixture.StartDaemon();
                var back = run.Take(3).Select(MonitorRun.Describe).ToList();
                Assert.Equal(new[] { $"CardInserted {r0} {AtrA}", $"ReaderAdded {r0} -", $"ReaderAdded {r1} -" }, back.OrderBy(s => s).ToArray());
                Assert.True(back.IndexOf($"ReaderAdded {r0} -") < back.IndexOf($"CardInserted {r0} {AtrA}"));
                Assert.Equal(2, run.Connections);

                fixture.Remove(0);
                Assert.Equal($"CardRemoved {r0} {AtrA}", MonitorRun.Describe(run.Take()));
                run.AssertQuiet();
            }
        }

        [SkippableFact]
        public void AServiceGoneUnderAnOddAnswerIsReportedAsGone()
        {
            var fixture = Fixture;
            string r0 = fixture.ReaderNames[0], r1 = fixture.ReaderNames[1];
            using (var run = new MonitorRun(api: new OddWaitAnswerApi(PcscPlatform.Api)).WhenWaiting())
            {
                fixture.StopDaemon();
                Assert.Equal(new[] { $"ReaderRemoved {r0} -", $"ReaderRemoved {r1} -" }, run.Take(2).Select(MonitorRun.Describe).ToArray());
                PcscException loss = Assert.Single(run.Losses);
                Assert.Equal("SCARD_E_NO_SERVICE", loss.ErrorName);
                Assert.Contains("systemctl start pcscd.socket", loss.Message);

                fixture.StartDaemon();
                Assert.Equal(new[] { $"ReaderAdded {r0} -", $"ReaderAdded {r1} -" }, run.Take(2).Select(MonitorRun.Describe).OrderBy(s => s).ToArray());
                Assert.Single(run.Losses);
            }
        }

        [SkippableFact]
        public void AWatchStartedWithoutTheServiceWaitsForIt()
        {
            var fixture = Fixture;
            string r0 = fixture.ReaderNames[0], r1 = fixture.ReaderNames[1];
            fixture.StopDaemon();
            using (var run = new MonitorRun())
            {
                var sw = System.Diagnostics.Stopwatch.StartNew();
                while (run.Losses.IsEmpty && sw.Elapsed < MonitorRun.EventTimeout) Thread.Sleep(10);
                Assert.Equal(ScardError.NoService, Assert.Single(run.Losses).Error);
                run.AssertQuiet();

                // No baseline could be taken, so what the service shows when it comes is new to the watcher.
                fixture.StartDaemon();
                Assert.Equal(new[] { $"ReaderAdded {r0} -", $"ReaderAdded {r1} -" }, run.Take(2).Select(MonitorRun.Describe).ToArray());
                Assert.Equal(1, run.Connections);
                fixture.Insert(1, AtrA);
                Assert.Equal($"CardInserted {r1} {AtrA}", MonitorRun.Describe(run.Take()));
                Assert.Single(run.Losses);
            }
        }

        [SkippableFact]
        public void ReadersThatGoAndComeAreReportedAndACardGoesBeforeItsReader()
        {
            var fixture = Fixture;
            string r0 = fixture.ReaderNames[0], r1 = fixture.ReaderNames[1];
            fixture.Insert(1, AtrB);
            using (var run = new MonitorRun().WhenWaiting())
            {
                fixture.SetReaderCount(0);
                Assert.Equal(new[] { $"ReaderRemoved {r0} -", $"CardRemoved {r1} {AtrB}", $"ReaderRemoved {r1} -" },
                    run.Take(3).Select(MonitorRun.Describe).ToArray());
                run.AssertQuiet();

                fixture.SetReaderCount(2);
                Assert.Equal(new[] { $"ReaderAdded {r0} -", $"ReaderAdded {r1} -" }, run.Take(2).Select(MonitorRun.Describe).ToArray());
                fixture.Insert(0, AtrC);
                Assert.Equal($"CardInserted {r0} {AtrC}", MonitorRun.Describe(run.Take()));
                Assert.Equal(2, run.Losses.Count);
                run.AssertQuiet();
            }
        }
    }
}
