using System;

namespace SmartCardPS.Pcsc
{
    /// <summary>
    /// One reader's dwEventState as SCardGetStatusChange reports it: the SCARD_STATE_* flags in the low 16 bits and
    /// the reader's event counter (insertions plus removals, where the platform keeps one) in the high 16 bits.
    /// The one place those bits are taken apart.
    /// </summary>
    internal readonly struct ReaderEventState : IEquatable<ReaderEventState>
    {
        public ReaderEventState(uint value) => Value = value;

        public ReaderEventState(SmartCardReaderState flags, int eventCount)
            : this(((uint)eventCount << 16) | ((uint)flags & 0xFFFF)) { }

        /// <summary>Unaware: what a wait starts from when nothing is known yet.</summary>
        public static ReaderEventState Unaware => default;

        /// <summary>The native word, to hand back as the next wait's current state.</summary>
        public uint Value { get; }

        public SmartCardReaderState Flags => (SmartCardReaderState)(Value & 0xFFFF);

        /// <summary>The event counter; 0 where the platform keeps none.</summary>
        public int EventCount => (int)(Value >> 16);

        public bool CardPresent => Has(SmartCardReaderState.Present);

        /// <summary>The state differs from the current state the wait was given.</summary>
        public bool Changed => Has(SmartCardReaderState.Changed);

        /// <summary>The service does not know the reader (any more): it is going or gone.</summary>
        public bool Unknown => Has(SmartCardReaderState.Unknown);

        public bool InUse => Has(SmartCardReaderState.InUse);

        public bool Exclusive => Has(SmartCardReaderState.Exclusive);

        /// <summary>
        /// The flags worth reporting: without Changed, which only says the wait returned and would be on every
        /// answer (against Unaware it is on every reader).
        /// </summary>
        public SmartCardReaderState ReportedFlags => Flags & ~SmartCardReaderState.Changed;

        /// <summary>The same state without Changed: a snapshot taken against Unaware would have it on every reader.</summary>
        public ReaderEventState WithoutChanged() => new ReaderEventState(Value & ~(uint)SmartCardReaderState.Changed);

        /// <summary>How many insertions and removals the counter saw since <paramref name="earlier"/>, wrapping at 16 bits.</summary>
        public int EventsSince(ReaderEventState earlier) => (EventCount - earlier.EventCount) & 0xFFFF;

        public bool Has(SmartCardReaderState flag) => (Flags & flag) != 0;

        /// <summary>The native word as it comes from the platform's SCARD_READERSTATE.</summary>
        public static implicit operator ReaderEventState(uint value) => new ReaderEventState(value);

        public bool Equals(ReaderEventState other) => Value == other.Value;

        public override bool Equals(object obj) => obj is ReaderEventState other && Equals(other);

        public override int GetHashCode() => (int)Value;

        public static bool operator ==(ReaderEventState a, ReaderEventState b) => a.Equals(b);

        public static bool operator !=(ReaderEventState a, ReaderEventState b) => !a.Equals(b);

        public override string ToString() => $"{Flags} (event {EventCount})";
    }
}
