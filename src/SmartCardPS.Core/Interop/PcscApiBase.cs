using System;
using System.Runtime.InteropServices;
using System.Text;

namespace SmartCardPS.Interop
{
    /// <summary>
    /// The parts every platform shares: reader names copied to native memory for the duration of one
    /// SCardGetStatusChange, and the platform's struct filled from and read back into the neutral records.
    /// </summary>
    internal abstract partial class PcscApiBase<TState> : IPcscApi where TState : unmanaged
    {
        public abstract int MaxAtrSize { get; }
        public abstract ScardError EstablishContext(ScardScope scope, out IntPtr context);
        public abstract ScardError ReleaseContext(IntPtr context);
        public abstract ScardError IsValidContext(IntPtr context);
        public abstract ScardError ListReaders(IntPtr context, out string[] readers);
        public abstract ScardError Cancel(IntPtr context);

        protected abstract ScardError GetStatusChange(IntPtr context, uint timeoutMs, TState[] states);
        protected abstract void Pack(ref TState state, IntPtr readerName, ReaderStateRecord record);
        protected abstract void Unpack(ref TState state, ReaderStateRecord record);

        /// <summary>Reader names are UTF-8 on pcsc-lite and macOS.</summary>
        protected virtual IntPtr AllocReaderName(string name)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(name);
            IntPtr p = Marshal.AllocHGlobal(bytes.Length + 1);
            Marshal.Copy(bytes, 0, p, bytes.Length);
            Marshal.WriteByte(p, bytes.Length, 0);
            return p;
        }

        public ScardError GetStatusChange(IntPtr context, uint timeoutMs, ReaderStateRecord[] records)
        {
            var states = new TState[records.Length];
            var names = new IntPtr[records.Length];
            try
            {
                for (int i = 0; i < records.Length; i++)
                {
                    names[i] = AllocReaderName(records[i].Reader);
                    Pack(ref states[i], names[i], records[i]);
                }
                ScardError rc = GetStatusChange(context, timeoutMs, states);
                if (rc == ScardError.Success)
                {
                    for (int i = 0; i < records.Length; i++) Unpack(ref states[i], records[i]);
                }
                return rc;
            }
            finally
            {
                foreach (IntPtr p in names) if (p != IntPtr.Zero) Marshal.FreeHGlobal(p);
            }
        }

        protected static unsafe byte[] CopyAtr(byte* atr, ulong length, int max)
        {
            int n = (int)Math.Min(length, (ulong)max);
            var result = new byte[n];
            for (int i = 0; i < n; i++) result[i] = atr[i];
            return result;
        }

        /// <summary>Two calls (size, then data); the list can grow in between, so retry on a short buffer.</summary>
        protected static ScardError ListWithRetry<TBuffer>(Func<TBuffer[], int, (ScardError rc, int length)> call,
            Func<TBuffer[], int, string[]> split, out string[] readers)
        {
            readers = Array.Empty<string>();
            for (int attempt = 0; attempt < 5; attempt++)
            {
                var (rc, length) = call(null, 0);
                if (rc == ScardError.NoReadersAvailable) return ScardError.Success;
                if (rc != ScardError.Success) return rc;
                var buffer = new TBuffer[length];
                (rc, length) = call(buffer, length);
                if (rc == ScardError.InsufficientBuffer || rc == ScardError.ErrorInsufficientBuffer) continue;
                if (rc == ScardError.NoReadersAvailable) return ScardError.Success;
                if (rc != ScardError.Success) return rc;
                readers = split(buffer, length);
                return ScardError.Success;
            }
            return ScardError.InsufficientBuffer;
        }
    }
}
