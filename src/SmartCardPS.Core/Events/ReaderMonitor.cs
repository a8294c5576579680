using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using SmartCardPS.Interop;
using SmartCardPS.Pcsc;

namespace SmartCardPS.Events
{
    /// <summary>
    /// Watches every reader and card and hands out what changed, in order, one <see cref="SmartCardEvent"/>
    /// per <see cref="Next"/>. It blocks in SCardGetStatusChange (never polls where the platform has the PnP
    /// pseudo-reader), outlives the PC/SC service (readers go when it stops and come back when it returns),
    /// and <see cref="Cancel"/> ends a wait from any thread. One thread at a time calls <see cref="Next"/>, which
    /// is also where the <see cref="ServiceLost"/> and <see cref="Connected"/> notices are raised.
    /// </summary>
    public sealed class ReaderMonitor : IDisposable
    {
        /// <summary>How often a lost service is asked for again.</summary>
        public static readonly TimeSpan ReconnectInterval = TimeSpan.FromMilliseconds(500);

        /// <summary>How often readers are listed again where reader arrival cannot be waited for.</summary>
        public static readonly TimeSpan RelistInterval = TimeSpan.FromSeconds(1);

        private const uint Infinite = uint.MaxValue;

        private readonly IPcscApi api;
        private readonly Func<byte[], string> cardNameOf;
        private readonly object contextLock = new object();
        // Never disposed: Cancel may still Set it from the stopping thread after the watch has ended.
        private readonly ManualResetEventSlim cancelSignal = new ManualResetEventSlim();
        private readonly Queue<SmartCardEvent> pending = new Queue<SmartCardEvent>();
        private readonly List<TrackedReader> readers = new List<TrackedReader>();
        private PcscContext context;
        private bool quietBaseline;
        private bool pnpSupported;
        private ReaderEventState pnpState;
        private bool serviceLost;
        private int failedReconnects;
        private long reconnectAt;
        private int cancelled;
        private int waiting;

        /// <param name="includeCurrentState">
        /// Report the readers and cards already there when the watch starts (ReaderAdded, CardInserted);
        /// without it they are the baseline and only later changes are reported.
        /// </param>
        /// <param name="cardNameOf">Names a card from its ATR for the events; without it events carry no CardName.</param>
        public ReaderMonitor(bool includeCurrentState = false, Func<byte[], string> cardNameOf = null)
            : this(PcscPlatform.Api, includeCurrentState, cardNameOf) { }

        internal ReaderMonitor(IPcscApi api, bool includeCurrentState, Func<byte[], string> cardNameOf)
        {
            this.api = api;
            quietBaseline = !includeCurrentState;
            this.cardNameOf = cardNameOf;
        }

        /// <summary>Raised once per outage, on the thread calling <see cref="Next"/>, when the PC/SC service cannot be reached or fails.</summary>
        public event Action<PcscException> ServiceLost;

        /// <summary>
        /// Raised on the thread calling <see cref="Next"/> each time the service is reached (first, and after every
        /// outage), once <see cref="Readers"/> is known: from then on every change is reported.
        /// </summary>
        public event Action Connected;

        /// <summary>
        /// Raised on the thread calling <see cref="Next"/> for each attempt to reach the service again that failed
        /// during an outage, with the attempt's number (1 for the first after <see cref="ServiceLost"/>).
        /// </summary>
        public event Action<PcscException, int> ReconnectFailed;

        /// <summary>The readers being watched, in the service's order.</summary>
        public IReadOnlyList<string> Readers => readers.Select(r => r.Name).ToList();

        /// <summary>False where readers are listed again every <see cref="RelistInterval"/> instead of waited for.</summary>
        public bool WaitsForReaders => pnpSupported;

        public bool IsCancelled => Volatile.Read(ref cancelled) != 0;

        /// <summary>Off, the monitor relists readers as on a platform without the PnP pseudo-reader (for tests).</summary>
        internal bool UsePnp { get; set; } = true;

        /// <summary>Inside SCardGetStatusChange right now; tests use it to act only once the watch is blocked.</summary>
        internal bool IsWaiting => Volatile.Read(ref waiting) != 0;

        /// <summary>
        /// The next event, waiting up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/> waits
        /// for ever). Null when the time is up or the monitor was cancelled. PC/SC failures never escape: each is
        /// handled as the service going away (<see cref="ServiceLost"/>, readers removed, reconnection).
        /// </summary>
        public SmartCardEvent Next(TimeSpan timeout)
        {
            long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue
                : Stopwatch.GetTimestamp() + (long)(Math.Max(0, timeout.TotalSeconds) * Stopwatch.Frequency);
            while (true)
            {
                if (pending.Count > 0) return pending.Dequeue();
                if (IsCancelled) return null;
                TimeSpan remaining = Remaining(deadline);
                if (remaining <= TimeSpan.Zero) return null;
                try
                {
                    if (context != null)
                    {
                        WaitForChange(remaining);
                    }
                    else
                    {
                        TimeSpan untilRetry = Remaining(reconnectAt);
                        if (untilRetry > TimeSpan.Zero) cancelSignal.Wait(Min(untilRetry, remaining));
                        else Connect();
                    }
                }
                catch (PcscException ex)
                {
                    // Not only a stopped service: pcscd can also refuse a client or answer oddly while it restarts
                    // or under load. A fresh context is the cure for all of them, and a watch must outlive them.
                    LoseService(ex);
                }
            }
        }

        /// <summary>
        /// The events queued and those PC/SC has seen by now, without waiting (one SCardGetStatusChange with no
        /// timeout): when a watch's time is up while its consumer was busy, what happened before it is still told.
        /// </summary>
        public List<SmartCardEvent> Drain()
        {
            var events = new List<SmartCardEvent>();
            if (IsCancelled) return events;
            if (context != null)
            {
                try
                {
                    WaitForChange(TimeSpan.Zero);
                }
                catch (PcscException ex)
                {
                    LoseService(ex);
                }
            }
            while (pending.Count > 0) events.Add(pending.Dequeue());
            return events;
        }

        /// <summary>Ends the current or next wait; thread-safe and final (every later <see cref="Next"/> returns null).</summary>
        public void Cancel()
        {
            Interlocked.Exchange(ref cancelled, 1);
            cancelSignal.Set();
            // pcsc-lite drops an SCardCancel that arrives before the wait has begun, so repeat it until the waiting
            // thread has left; it always sees the flag first or is inside the native wait when this reads 'waiting'.
            var sw = Stopwatch.StartNew();
            while (Volatile.Read(ref waiting) != 0 && sw.Elapsed < TimeSpan.FromSeconds(2))
            {
                CancelContext();
                Thread.Sleep(2);
            }
        }

        public void Dispose()
        {
            Interlocked.Exchange(ref cancelled, 1);
            DropContext();
        }

        private void Connect()
        {
            try
            {
                PcscContext fresh = PcscContext.Establish(api);
                lock (contextLock) context = fresh;
                pnpSupported = UsePnp && ProbePnp();
                bool report = !quietBaseline;
                quietBaseline = false;
                Relist(report);
            }
            catch (PcscException ex)
            {
                // Whatever a service that is starting or stopping answers (pcscd can refuse a client mid-restart),
                // it is not there yet: try again later. Readers found then are new to the watcher.
                quietBaseline = false;
                LoseService(ex);
                return;
            }
            serviceLost = false;
            failedReconnects = 0;
            Connected?.Invoke();
        }

        /// <summary>Where the PnP pseudo-reader is unknown the name comes back as an unknown reader, or the call refuses it.</summary>
        private bool ProbePnp()
        {
            var probe = new[] { new ReaderStateRecord(PcscPlatform.PnpNotificationReader, ReaderEventState.Unaware.Value) };
            ScardError rc = context.GetStatusChange(probe, 0);
            if (rc == ScardError.Timeout)
            {
                pnpState = ReaderEventState.Unaware;
                return true;
            }
            if (rc == ScardError.Success && !new ReaderEventState(probe[0].EventState).Unknown)
            {
                pnpState = probe[0].EventState;
                return true;
            }
            if (rc == ScardError.Success || rc == ScardError.UnknownReader || rc == ScardError.InvalidValue) return false;
            throw new PcscException(rc, "SCardGetStatusChange");
        }

        private void WaitForChange(TimeSpan remaining)
        {
            int offset = pnpSupported ? 1 : 0;
            var records = new ReaderStateRecord[readers.Count + offset];
            if (pnpSupported) records[0] = new ReaderStateRecord(PcscPlatform.PnpNotificationReader, pnpState.Value);
            for (int i = 0; i < readers.Count; i++) records[i + offset] = new ReaderStateRecord(readers[i].Name, readers[i].State.Value);

            if (records.Length == 0)
            {
                // No reader and no way to wait for one: look again shortly.
                cancelSignal.Wait(Min(RelistInterval, remaining));
                Relist(report: true);
                return;
            }

            TimeSpan wait = pnpSupported ? remaining : Min(RelistInterval, remaining);
            ScardError rc;
            Interlocked.Exchange(ref waiting, 1);
            try
            {
                if (IsCancelled) return;
                rc = context.GetStatusChange(records, Milliseconds(wait));
            }
            finally
            {
                Interlocked.Exchange(ref waiting, 0);
            }

            switch (rc)
            {
                case ScardError.Success:
                    Apply(records, offset);
                    break;
                case ScardError.Timeout:
                    if (!pnpSupported) Relist(report: true);
                    break;
                case ScardError.Cancelled:
                    break;
                case ScardError.UnknownReader:
                case ScardError.NoReadersAvailable:
                    // A reader went between listing and waiting (Windows says so instead of flagging the reader).
                    Relist(report: true);
                    break;
                default:
                    throw new PcscException(rc, "SCardGetStatusChange");
            }
        }

        private void Apply(ReaderStateRecord[] records, int offset)
        {
            DateTimeOffset at = DateTimeOffset.Now;
            bool relist = false;
            if (pnpSupported)
            {
                pnpState = records[0].EventState;
                relist = pnpState.Changed;
            }
            for (int i = 0; i < readers.Count; i++)
            {
                TrackedReader reader = readers[i];
                ReaderStateRecord record = records[i + offset];
                ReaderEventState state = record.EventState;
                if (state.Unknown)
                {
                    // The reader is going: the listing decides, and reports its card with it.
                    relist = true;
                    continue;
                }
                if (state.Changed)
                {
                    foreach (SmartCardEvent e in CardTransitions.Between(reader.Name, reader.State, reader.Atr, state, record.Atr, at, cardNameOf))
                        pending.Enqueue(e);
                }
                // The whole event state, counter included, is the next wait's current state: a change between
                // two waits then shows up as a counter difference instead of being lost.
                reader.State = state;
                reader.Atr = record.Atr;
            }
            if (relist) Relist(report: true);
        }

        /// <summary>Brings the tracked readers in line with the service's list, reporting readers that went and came.</summary>
        private void Relist(bool report)
        {
            ReaderStateRecord[] listed = context.ReadStates();
            DateTimeOffset at = DateTimeOffset.Now;
            foreach (TrackedReader gone in readers.Where(r => listed.All(l => l.Reader != r.Name)).ToList())
            {
                readers.Remove(gone);
                if (report) ReportGone(gone, at);
            }
            foreach (ReaderStateRecord record in listed.Where(l => readers.All(r => r.Name != l.Reader)))
            {
                // Listed a moment ago, already unplugged: it never was for the watcher.
                var reader = new TrackedReader(record.Reader, record.EventState, record.Atr);
                if (reader.State.Unknown) continue;
                readers.Add(reader);
                if (!report) continue;
                SmartCardReaderState state = reader.State.ReportedFlags;
                pending.Enqueue(new SmartCardEvent(at, SmartCardEventType.ReaderAdded, reader.Name, state));
                if (reader.State.CardPresent)
                    pending.Enqueue(new SmartCardEvent(at, SmartCardEventType.CardInserted, reader.Name, state, reader.Atr, CardNameOf(reader.Atr)));
            }
        }

        private void LoseService(PcscException error)
        {
            DropContext();
            reconnectAt = Stopwatch.GetTimestamp() + (long)(ReconnectInterval.TotalSeconds * Stopwatch.Frequency);
            DateTimeOffset at = DateTimeOffset.Now;
            foreach (TrackedReader reader in readers) ReportGone(reader, at);
            readers.Clear();
            pnpState = ReaderEventState.Unaware;
            if (serviceLost)
            {
                ReconnectFailed?.Invoke(error, ++failedReconnects);
                return;
            }
            serviceLost = true;
            failedReconnects = 0;
            ServiceLost?.Invoke(WhyLost(error));
        }

        /// <summary>
        /// The reason to give for an outage. While pcscd dies, pcsc-lite can end a wait, and refuse a new context, with
        /// an unrelated code (SCARD_W_SECURITY_VIOLATION, seen on a loaded machine); a new context asked for a few
        /// times over a moment then says what happened. The first answer of the service itself keeps the code.
        /// </summary>
        private PcscException WhyLost(PcscException error)
        {
            if (error.IsServiceUnavailable) return error;
            for (int attempt = 0; attempt < 5; attempt++)
            {
                if (attempt > 0 && cancelSignal.Wait(50)) break;
                try
                {
                    PcscContext.Establish(api).Dispose();
                    break;
                }
                catch (PcscException gone) when (gone.IsServiceUnavailable)
                {
                    return gone;
                }
                catch (PcscException)
                {
                    // Still dying, or an odd answer again: ask once more.
                }
            }
            return error;
        }

        private void ReportGone(TrackedReader reader, DateTimeOffset at)
        {
            if (reader.State.CardPresent)
                pending.Enqueue(new SmartCardEvent(at, SmartCardEventType.CardRemoved, reader.Name, SmartCardReaderState.Unknown, reader.Atr, CardNameOf(reader.Atr)));
            pending.Enqueue(new SmartCardEvent(at, SmartCardEventType.ReaderRemoved, reader.Name, SmartCardReaderState.Unknown));
        }

        private string CardNameOf(byte[] atr) => CardTransitions.NameOf(atr, cardNameOf);

        private void CancelContext()
        {
            lock (contextLock)
            {
                try
                {
                    context?.Cancel();
                }
                catch (PcscException)
                {
                    // The service went away under the wait: the wait ends on its own.
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }

        private void DropContext()
        {
            lock (contextLock)
            {
                context?.Dispose();
                context = null;
            }
        }

        private static TimeSpan Remaining(long deadline)
        {
            if (deadline == long.MaxValue) return TimeSpan.MaxValue;
            long left = deadline - Stopwatch.GetTimestamp();
            return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)left / Stopwatch.Frequency);
        }

        private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

        private static uint Milliseconds(TimeSpan wait)
        {
            if (wait >= TimeSpan.FromMilliseconds(Infinite - 1)) return Infinite;
            return (uint)Math.Ceiling(wait.TotalMilliseconds);
        }

        private sealed class TrackedReader
        {
            public TrackedReader(string name, ReaderEventState state, byte[] atr)
            {
                Name = name;
                State = state;
                Atr = atr;
            }

            public string Name { get; }
            public ReaderEventState State { get; set; }
            public byte[] Atr { get; set; }
        }
    }
}
