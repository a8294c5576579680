using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;
using SmartCardPS.Events;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Events
{
    /// <summary>
    /// What a watch left running for days lives through, in one monitor each: hundreds of insert/remove cycles
    /// (each exactly one CardInserted and one CardRemoved, in order, with the right ATR) and repeated pcscd
    /// restarts, with memory and handles flat. pcscd polls vpcd every
    /// 400 ms, so a cycle takes about 0.8 s per reader; both readers cycle at once to halve the time.
    /// </summary>
    [Collection(PcscCollection.Name)]
    public class ReaderMonitorSoakTests
    {
        /// <summary>
        /// Cycles per reader: 25 by default, SMARTCARDPS_SOAK_CYCLES for more (build.ps1 -Task Nightly runs 100). The
        /// memory bound scales with the count, so each cycle may leak no more than with 100 cycles.
        /// </summary>
        private static readonly int CyclesPerReader = SoakCycles();
        private const int DefaultCycles = 25;
        private const long AllowedGrowthPerCycle = 256 * 1024 / 100;
        private const int WarmUpCycles = 10;

        internal static int SoakCycles(string value = null)
        {
            value = value ?? Environment.GetEnvironmentVariable("SMARTCARDPS_SOAK_CYCLES");
            if (string.IsNullOrEmpty(value)) return DefaultCycles;
            if (!int.TryParse(value, out int cycles) || cycles < DefaultCycles)
                throw new ArgumentException($"SMARTCARDPS_SOAK_CYCLES must be a whole number of at least {DefaultCycles}, not '{value}'.");
            return cycles;
        }
        private static readonly string[] Atrs = { ReaderMonitorTests.AtrA, ReaderMonitorTests.AtrB, ReaderMonitorTests.AtrC };

        private readonly PcscFixtureHost host;
        private readonly ITestOutputHelper output;

        public ReaderMonitorSoakTests(PcscFixtureHost host, ITestOutputHelper output)
        {
            this.host = host;
            this.output = output;
        }

        [SkippableFact]
        public void EveryCycleGivesOneInsertionAndOneRemovalAndMemoryStaysFlat()
        {
            var fixture = host.Fixture;
            int readers = fixture.ReaderNames.Length;
            var completed = new int[readers];
            bool stop = false;
            Task[] cycling = Array.Empty<Task>();
            try
            {
                using (var run = new MonitorRun().WhenWaiting())
                {
                    cycling = Enumerable.Range(0, readers).Select(r => Task.Run(() =>
                    {
                        for (int cycle = 0; cycle < CyclesPerReader && !Volatile.Read(ref stop); cycle++)
                        {
                            string atr = Atrs[(cycle + r) % Atrs.Length];
                            fixture.Insert(r, atr);
                            // The card has sent its ATR, but pcscd may still be powering it: taken out now, it
                            // could come out as a mute card, which is a different event from the one expected.
                            CardWaits.Until(fixture.ReaderNames[r], present: true, atr);
                            fixture.Remove(r);
                            CardWaits.Until(fixture.ReaderNames[r], present: false);
                            Interlocked.Increment(ref completed[r]);
                        }
                    })).ToArray();

                    var seen = new int[readers];
                    long warmMemory = 0, halfMemory = 0;
                    HashSet<string> warmSockets = null;
                    for (int n = 0; n < 2 * CyclesPerReader * readers; n++)
                    {
                        SmartCardEvent e = run.Take();
                        int r = Array.IndexOf(fixture.ReaderNames, e.Reader);
                        Assert.True(r >= 0, $"Event for an unknown reader: {MonitorRun.Describe(e)}");
                        int cycle = seen[r] / 2;
                        bool insertion = seen[r] % 2 == 0;
                        string expected = $"{(insertion ? "CardInserted" : "CardRemoved")} {e.Reader} {Atrs[(cycle + r) % Atrs.Length]}";
                        Assert.Equal(expected, MonitorRun.Describe(e));
                        seen[r]++;
                        if (n == 2 * WarmUpCycles * readers)
                        {
                            warmMemory = Memory();
                            warmSockets = OpenSockets();
                        }
                        if (n == CyclesPerReader * readers) halfMemory = Memory();
                    }
                    Task.WaitAll(cycling);
                    run.AssertQuiet();

                    long endMemory = Memory();
                    var newSockets = OpenSockets().Except(warmSockets).ToList();
                    output.WriteLine($"{CyclesPerReader * readers} cycles; managed memory after warm-up {warmMemory}, half-way {halfMemory}, at the end {endMemory} bytes; sockets opened since warm-up and still open: {newSockets.Count}");
                    Assert.All(completed, c => Assert.Equal(CyclesPerReader, c));
                    // A leak grows with every cycle, so it shows in the second half too; a one-off rise does not.
                    long allowed = AllowedGrowthPerCycle * CyclesPerReader;
                    Assert.True(endMemory - halfMemory < allowed, $"Managed memory grew by {endMemory - halfMemory} bytes (allowed {allowed}) over the last {CyclesPerReader * readers / 2} cycles.");
                    Assert.InRange(newSockets.Count, 0, MaxNewSockets);
                }
            }
            finally
            {
                // A failed assertion leaves the cycling running: stop it first, so cleaning up does not race it
                // (and its own failure does not hide the assertion's).
                Volatile.Write(ref stop, true);
                try { Task.WaitAll(cycling); } catch (AggregateException ex) { output.WriteLine("cycling failed: " + ex.InnerException); }
                output.WriteLine("completed: " + string.Join(",", completed));
                try { CardWaits.Clear(fixture); } catch (TimeoutException ex) { output.WriteLine("cleanup: " + ex.Message); foreach (var l in File.ReadLines(fixture.LogPath).Reverse().Take(40).Reverse()) output.WriteLine(l); throw; }
            }
        }

        [SkippableFact]
        public void RepeatedServiceRestartsAreEachReportedOnceAndLeakNothing()
        {
            var fixture = host.Fixture;
            string[] names = fixture.ReaderNames;
            const int Restarts = 6;
            try
            {
                using (var run = new MonitorRun().WhenWaiting())
                {
                    HashSet<string> sockets = null;
                    for (int i = 0; i < Restarts; i++)
                    {
                        if (i == 1) sockets = OpenSockets();
                        fixture.StopDaemon();
                        Assert.Equal(names.Select(n => $"ReaderRemoved {n} -"), run.Take(names.Length).Select(MonitorRun.Describe));
                        fixture.StartDaemon();
                        Assert.Equal(names.Select(n => $"ReaderAdded {n} -"), run.Take(names.Length).Select(MonitorRun.Describe));
                    }
                    Assert.Equal(Restarts, run.Losses.Count);
                    Assert.Equal(Restarts + 1, run.Connections);
                    // Each lost context released, each new one a single socket: nothing piles up across restarts.
                    var newSockets = OpenSockets().Except(sockets).ToList();
                    output.WriteLine($"{Restarts - 1} restarts; sockets opened since the first and still open: {newSockets.Count}");
                    Assert.InRange(newSockets.Count, 0, MaxNewSockets);
                    run.AssertQuiet();
                }
            }
            finally
            {
                CardWaits.Clear(fixture);
            }
        }

        // What survives a full compacting collection is what is really held; GC.GetTotalMemory proved erratic
        // here (once even negative) with other threads allocating.
        private static long Memory()
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            return GC.GetGCMemoryInfo(GCKind.FullBlocking).PromotedBytes;
        }

        /// <summary>
        /// The sockets this process holds, by inode ("socket:[123]"): each leaked PC/SC context would keep one to pcscd.
        /// Not a count of every descriptor: what earlier tests leave to finalizers and background threads closes
        /// meanwhile (a count once fell from 211 to 179), while a socket opened during the soak that stays open is
        /// the soak's own. The monitor's context and the fixture's connections to vpcd are what may stay.
        /// </summary>
        private static HashSet<string> OpenSockets()
        {
            var sockets = new HashSet<string>();
            foreach (string fd in Directory.GetFiles("/proc/self/fd"))
            {
                string target;
                try { target = new FileInfo(fd).LinkTarget; }
                catch (IOException) { continue; }
                if (target != null && target.StartsWith("socket:", StringComparison.Ordinal)) sockets.Add(target);
            }
            return sockets;
        }

        private const int MaxNewSockets = 2;
    }
}
