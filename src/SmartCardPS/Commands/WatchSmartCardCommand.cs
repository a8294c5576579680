using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.Atr;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.Events;
using SmartCardPS.Parameters;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Emits an event object the moment a card is inserted or removed or a reader appears or
    /// goes.</para>
    /// <para type="description">Watches every PC/SC reader, as pcsc_scan does, and writes one SmartCardEvent
    /// (TimeStamp, EventType, Reader, Atr, CardName, State) per change, in order: CardInserted and CardRemoved with the
    /// card's ATR, ReaderAdded and ReaderRemoved when readers are plugged in or out. A reader removed with a card in it
    /// gives CardRemoved, then ReaderRemoved; a card swapped faster than the service can be asked still gives
    /// CardRemoved, then CardInserted. The command blocks in the PC/SC service's own wait and uses no CPU while nothing
    /// happens. It runs until stopped (Ctrl+C, Select-Object -First, or -Timeout, which ends it quietly). When the
    /// PC/SC service stops or restarts the command writes one warning, reports the readers (and cards) as removed,
    /// keeps waiting, and reports what is there as added and inserted when the service returns; a watch started while
    /// the service is down warns and waits for it the same way, and so does any other PC/SC failure (a service refusing
    /// the client while it restarts, for one): the watch never ends on its own before -Timeout. -IncludeCurrentState
    /// first reports the readers and cards already present, so a script waiting for a card never misses one that was
    /// inserted before it started.</para>
    /// </summary>
    /// <example>
    /// <code>Watch-SmartCard</code>
    /// <para>Shows cards and readers as they come and go until Ctrl+C.</para>
    /// </example>
    /// <example>
    /// <code>$card = Watch-SmartCard -EventType CardInserted -IncludeCurrentState | Select-Object -First 1</code>
    /// <para>Waits for a card (or takes the one already in a reader) and returns as soon as there is one.</para>
    /// </example>
    /// <example>
    /// <code>Watch-SmartCard -Name 'Yubico*' -EventType CardInserted, CardRemoved -Timeout 60 | Format-List</code>
    /// <para>Reports cards inserted into and removed from Yubico readers for one minute, with every property.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Watch, "SmartCard")]
    [OutputType(typeof(SmartCardEvent))]
    public sealed class WatchSmartCardCommand : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">Reports only readers whose names match; wildcards are allowed, and an exact name
        /// always matches (reader names often hold brackets). Readers piped from Get-SmartCardReader bind here. A
        /// literal name that matches no reader when the watch starts writes a warning, not an error: the reader may be
        /// plugged in later. Without it every reader is watched.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true,
            HelpMessage = "Reader names to watch; wildcards are allowed.")]
        [Alias("Reader", "ReaderName")]
        [ArgumentCompleter(typeof(ReaderNameCompleter))]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; }

        /// <summary>
        /// <para type="description">Reports only these kinds of event: ReaderAdded, ReaderRemoved, CardInserted,
        /// CardRemoved. Without it every kind is reported.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public SmartCardEventType[] EventType { get; set; }

        /// <summary>
        /// <para type="description">Ends the watch quietly after this long, without an error. A number is seconds;
        /// '00:05:00' is five minutes. Without it the watch runs until stopped.</para>
        /// </summary>
        [Parameter]
        [SecondsTimeSpan]
        public TimeSpan Timeout { get; set; }

        /// <summary>
        /// <para type="description">First reports every reader present as ReaderAdded and every card already in one as
        /// CardInserted, then the changes.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter IncludeCurrentState { get; set; }

        private readonly object gate = new object();
        private ReaderMonitor monitor;
        private bool stopping;

        private readonly List<string> names = new List<string>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) && Timeout <= TimeSpan.Zero)
            {
                ThrowTerminatingError(NewError(
                    new PSArgumentException($"-Timeout must be longer than zero; {Timeout} was given. Leave it out to watch until stopped."),
                    "InvalidTimeout", ErrorCategory.InvalidArgument, Timeout));
            }
        }

        /// <summary>Names arrive as a parameter or from the pipeline: the watch itself starts once all have
        /// arrived.</summary>
        protected override void ProcessRecord()
        {
            if (Name != null) names.AddRange(Name);
        }

        protected override void EndProcessing()
        {
            NameFilter filter = names.Count > 0 ? new NameFilter(names) : null;
            bool timed = MyInvocation.BoundParameters.ContainsKey(nameof(Timeout));
            Stopwatch clock = Stopwatch.StartNew();

            var watch = new ReaderMonitor(IncludeCurrentState.IsPresent, AtrDatabase.Default.CardNameOf);
            bool connected = false;
            bool outage = false;
            bool warnedUnmatched = false;
            watch.ServiceLost += error =>
            {
                outage = true;
                WriteWarning(connected
                    ? $"Lost the PC/SC service ({error.ErrorName}). Watch-SmartCard keeps waiting and reports the readers again when it is back."
                    : $"Waiting for the PC/SC service ({error.ErrorName}): {error.Message}");
            };
            watch.ReconnectFailed += (error, attempt) => WriteVerbose(
                $"Reconnect attempt {attempt} to the PC/SC service failed ({error.ErrorName}); trying again every {ReaderMonitor.ReconnectInterval.TotalSeconds} s.");
            watch.Connected += () =>
            {
                filter?.Among(watch.Readers);
                var watched = watch.Readers.Where(r => filter == null || filter.IsMatch(r)).ToList();
                string readers = watched.Count == 0
                    ? (filter == null ? "no readers yet" : "no reader matching " + string.Join(", ", names.Select(n => UntrustedText.Quote(n))) + " yet")
                    : string.Join(", ", watched.Select(r => UntrustedText.Quote(r)));
                WriteVerbose((outage ? "The PC/SC service is available again; watching " : "Watching ") + readers + ".");
                if (!connected && !IncludeCurrentState)
                {
                    // As pcsc_scan lists the readers first: without it the screen stays blank until something changes.
                    // Said on the host (as Write-Host does: 6> captures it, -InformationAction Ignore silences it), so
                    // the output stays events only; -IncludeCurrentState reports the readers as events instead.
                    WriteInformation(new HostInformationMessage { Message = "Watching " + readers + "." }, new[] { "PSHOST" });
                }
                if (filter != null && !warnedUnmatched)
                {
                    warnedUnmatched = true;
                    foreach (string name in filter.UnmatchedLiterals)
                    {
                        WriteWarning($"No reader named {UntrustedText.Quote(name)} is present. Watch-SmartCard reports it if it is plugged in; Get-SmartCardReader lists the readers.");
                    }
                }
                connected = true;
                outage = false;
            };
            lock (gate)
            {
                if (stopping) return;
                monitor = watch;
            }
            try
            {
                while (true)
                {
                    TimeSpan wait = timed ? Timeout - clock.Elapsed : System.Threading.Timeout.InfiniteTimeSpan;
                    if (timed && wait <= TimeSpan.Zero)
                    {
                        // The time ran out while the pipeline after us held an event: what happened meanwhile (queued,
                        // or seen by PC/SC by now) happened within -Timeout, so it is still reported.
                        foreach (SmartCardEvent late in watch.Drain())
                        {
                            if (Wanted(late, filter)) WriteObject(late);
                        }
                        return;
                    }
                    SmartCardEvent e = watch.Next(wait);
                    if (e == null) return;
                    if (Wanted(e, filter)) WriteObject(e);
                }
            }
            finally
            {
                lock (gate) monitor = null;
                watch.Dispose();
            }
        }

        private bool Wanted(SmartCardEvent e, NameFilter filter) =>
            (EventType == null || EventType.Contains(e.EventType)) && (filter == null || filter.IsMatch(e.Reader));

        /// <summary>Ctrl+C, Select-Object -First and the like: cancel the blocked wait from this (the stopping)
        /// thread.</summary>
        protected override void StopProcessing()
        {
            ReaderMonitor current;
            lock (gate)
            {
                stopping = true;
                current = monitor;
            }
            current?.Cancel();
        }
    }
}
