using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using SmartCardPS.Events;
using SmartCardPS.Interop;
using SmartCardPS.Pcsc;
using SmartCardPS.TestFixture;
using Xunit;

namespace SmartCardPS.Tests.Support
{
    /// <summary>A <see cref="ReaderMonitor"/> pumped on its own thread, as the cmdlet pumps it, with what it reported.</summary>
    internal sealed class MonitorRun : IDisposable
    {
        /// <summary>A hang guard, not a timing: under load (two cores shared with other runs) pcscd's polling can stall for seconds.</summary>
        public static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(30);

        private readonly Thread thread;
        private Exception failure;

        public MonitorRun(bool includeCurrentState = false, bool usePnp = true, IPcscApi api = null)
        {
            Monitor = new ReaderMonitor(api ?? PcscPlatform.Api, includeCurrentState, null) { UsePnp = usePnp };
            Monitor.ServiceLost += e => Losses.Enqueue(e);
            Monitor.Connected += () => Interlocked.Increment(ref connections);
            thread = new Thread(Pump) { IsBackground = true, Name = "ReaderMonitor pump" };
            thread.Start();
        }

        public ReaderMonitor Monitor { get; }
        public BlockingCollection<SmartCardEvent> Events { get; } = new BlockingCollection<SmartCardEvent>();
        public ConcurrentQueue<PcscException> Losses { get; } = new ConcurrentQueue<PcscException>();
        public int Connections => Volatile.Read(ref connections);
        public bool Ended => !thread.IsAlive;
        private int connections;

        private void Pump()
        {
            try
            {
                SmartCardEvent e;
                while ((e = Monitor.Next(Timeout.InfiniteTimeSpan)) != null) Events.Add(e);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }

        /// <summary>Waits until the monitor blocks in SCardGetStatusChange, so what the test does next is a change to it.</summary>
        public MonitorRun WhenWaiting()
        {
            var sw = Stopwatch.StartNew();
            while (!Monitor.IsWaiting)
            {
                if (failure != null) throw new InvalidOperationException("The monitor failed", failure);
                if (sw.Elapsed > EventTimeout) throw new TimeoutException("The monitor never started waiting.");
                Thread.Sleep(2);
            }
            return this;
        }

        public SmartCardEvent Take()
        {
            if (Events.TryTake(out SmartCardEvent e, EventTimeout)) return e;
            if (failure != null) throw new InvalidOperationException("The monitor failed", failure);
            throw new TimeoutException($"No event within {EventTimeout.TotalSeconds} s.");
        }

        public List<SmartCardEvent> Take(int count) => Enumerable.Range(0, count).Select(_ => Take()).ToList();

        /// <summary>Asserts nothing more arrives for a while: no duplicated or invented events.</summary>
        public void AssertQuiet(int milliseconds = 600)
        {
            Assert.False(Events.TryTake(out SmartCardEvent extra, milliseconds), extra == null ? null : $"Unexpected {extra.EventType} {extra.Reader} {extra.Atr}");
            Assert.Null(failure);
        }

        /// <summary>Cancels and returns how long the pump took to stop.</summary>
        public TimeSpan Stop()
        {
            var sw = Stopwatch.StartNew();
            Monitor.Cancel();
            Assert.True(thread.Join(TimeSpan.FromSeconds(5)), "The monitor did not stop within 5 s of Cancel.");
            return sw.Elapsed;
        }

        public void Dispose()
        {
            if (thread.IsAlive) Stop();
            Monitor.Dispose();
            Events.Dispose();
        }

        public static string Describe(SmartCardEvent e) => $"{e.EventType} {e.Reader} {e.Atr ?? "-"}";
    }

    /// <summary>Waits on the PC/SC service itself (not the monitor under test) for a reader to show the expected card state.</summary>
    internal static class CardWaits
    {
        /// <param name="atr">With a card present, also wait until pcscd has powered it and reads this ATR.</param>
        public static void Until(string reader, bool present, string atr = null)
        {
            var sw = Stopwatch.StartNew();
            using (var context = PcscContext.Establish())
            {
                while (sw.Elapsed < MonitorRun.EventTimeout)
                {
                    if (context.GetReaders().Any(r => r.Name == reader && r.CardPresent == present && (atr == null || r.Atr == atr))) return;
                    Thread.Sleep(10);
                }
            }
            throw new TimeoutException($"{reader} did not become CardPresent={present} within {MonitorRun.EventTimeout.TotalSeconds} s.");
        }

        /// <summary>Removes every card and waits until pcscd has seen them go, so the next test starts from empty readers.</summary>
        public static void Clear(PcscFixture fixture)
        {
            for (int i = 0; i < fixture.ReaderNames.Length; i++) fixture.Remove(i);
            if (!fixture.DaemonRunning) fixture.StartDaemon();
            foreach (string reader in fixture.ReaderNames) Until(reader, present: false);
        }
    }
}
