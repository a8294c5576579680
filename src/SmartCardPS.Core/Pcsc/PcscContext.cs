using System;
using System.Collections.Generic;
using System.Linq;
using SmartCardPS.Interop;

namespace SmartCardPS.Pcsc
{
    /// <summary>
    /// A connection to the PC/SC service. Every failing call throws <see cref="PcscException"/>;
    /// the expected outcomes of a wait (timeout, cancel) are results, not exceptions.
    /// </summary>
    public sealed class PcscContext : IDisposable
    {
        private readonly IPcscApi api;
        private readonly ScardContextHandle handle;

        private PcscContext(IPcscApi api, ScardContextHandle handle)
        {
            this.api = api;
            this.handle = handle;
        }

        public static PcscContext Establish() => Establish(PcscPlatform.Api);

        internal static PcscContext Establish(IPcscApi api)
        {
            ScardError rc;
            IntPtr raw;
            try
            {
                rc = api.EstablishContext(ScardScope.System, out raw);
            }
            catch (DllNotFoundException)
            {
                // No PC/SC library at all is the same situation for the user as a stopped service.
                throw new PcscException(ScardError.NoService, "Loading the PC/SC library");
            }
            if (rc != ScardError.Success) throw PolkitRefusal.Failure(rc, "SCardEstablishContext", PolkitRefusal.AccessPcsc);
            return new PcscContext(api, new ScardContextHandle(api, raw));
        }

        internal IPcscApi Api => api;
        internal ScardContextHandle Handle => handle;

        /// <summary>Reader names, without the PnP pseudo-reader. No readers is an empty array.</summary>
        public string[] ListReaders()
        {
            string[] readers = null;
            Check(Use(ctx => api.ListReaders(ctx, out readers)), "SCardListReaders");
            return readers.Where(r => r != PcscPlatform.PnpNotificationReader).ToArray();
        }

        /// <summary>Every reader with its current state and ATR, its card named by <paramref name="cardNameOf"/> when given.</summary>
        public IReadOnlyList<SmartCardReader> GetReaders(Func<byte[], string> cardNameOf = null) =>
            ReadStates().Select(r =>
            {
                ReaderEventState state = new ReaderEventState(r.EventState).WithoutChanged();
                string name = state.CardPresent && r.Atr.Length > 0 ? cardNameOf?.Invoke(r.Atr) : null;
                return new SmartCardReader(r.Reader, state, r.Atr, name);
            }).ToArray();

        /// <summary>Every listed reader's current event state and ATR, asked for in one call right after listing.</summary>
        internal ReaderStateRecord[] ReadStates()
        {
            for (int attempt = 0; ; attempt++)
            {
                string[] names = ListReaders();
                if (names.Length == 0) return Array.Empty<ReaderStateRecord>();
                var records = names.Select(n => new ReaderStateRecord(n, ReaderEventState.Unaware.Value)).ToArray();
                ScardError rc = GetStatusChange(records, 0);
                // A reader unplugged between listing and asking: list again.
                if (rc == ScardError.UnknownReader && attempt < 3) continue;
                if (rc != ScardError.Timeout) Check(rc, "SCardGetStatusChange");
                return records;
            }
        }

        /// <summary>Blocks until a reader's state differs from its CurrentState, the timeout passes or <see cref="Cancel"/> is called.</summary>
        internal ScardError GetStatusChange(ReaderStateRecord[] records, uint timeoutMs) =>
            Use(ctx => api.GetStatusChange(ctx, timeoutMs, records));

        /// <summary>Ends a blocking wait on this context from any thread.</summary>
        public void Cancel()
        {
            if (handle.IsClosed) return;
            Use(api.Cancel);
        }

        public bool IsValid => !handle.IsClosed && Use(api.IsValidContext) == ScardError.Success;

        public void Dispose() => handle.Dispose();

        internal static void Check(ScardError rc, string operation)
        {
            if (rc != ScardError.Success) throw new PcscException(rc, operation);
        }

        private ScardError Use(Func<IntPtr, ScardError> call) => HeldHandle.Call(handle, call);
    }
}
