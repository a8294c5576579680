using System;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// One step of listing a module's slots, for progress and -Verbose: reported before a slot is read (Elapsed null)
    /// and after (Elapsed set), since a module such as OpenSC can take seconds per slot probing a card.
    /// </summary>
    public sealed class Pkcs11SlotProbe
    {
        public ulong SlotId { get; set; }

        /// <summary>The slot's place in the module's slot list, from 1.</summary>
        public int Index { get; set; }

        public int Count { get; set; }

        public TimeSpan? Elapsed { get; set; }
    }
}
