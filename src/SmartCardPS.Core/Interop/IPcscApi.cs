using System;

namespace SmartCardPS.Interop
{
    /// <summary>
    /// The platform's PC/SC library behind one surface. Every call returns the native code
    /// (never throws), so the core decides in one place what is an error.
    /// </summary>
    internal partial interface IPcscApi
    {
        /// <summary>Longest ATR the platform's SCARD_READERSTATE can carry.</summary>
        int MaxAtrSize { get; }

        ScardError EstablishContext(ScardScope scope, out IntPtr context);
        ScardError ReleaseContext(IntPtr context);
        ScardError IsValidContext(IntPtr context);
        ScardError ListReaders(IntPtr context, out string[] readers);
        ScardError GetStatusChange(IntPtr context, uint timeoutMs, ReaderStateRecord[] states);
        ScardError Cancel(IntPtr context);
    }

    internal enum ScardScope : uint
    {
        User = 0,
        Terminal = 1,
        System = 2,
    }

    /// <summary>A platform-neutral SCARD_READERSTATE; each implementation copies it to and from its own layout.</summary>
    internal sealed class ReaderStateRecord
    {
        public ReaderStateRecord(string reader, uint currentState)
        {
            Reader = reader;
            CurrentState = currentState;
        }

        public string Reader { get; }
        public uint CurrentState { get; set; }
        public uint EventState { get; set; }
        public byte[] Atr { get; set; } = Array.Empty<byte>();
    }
}
