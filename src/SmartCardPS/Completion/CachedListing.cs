using System;
using System.Threading.Tasks;

namespace SmartCardPS.Completion
{
    /// <summary>
    /// What the last listing saw, for answers that must come at once (tab completion): the first request starts the
    /// listing and waits for it a little, later ones get the cached answer and start one refresh in the background; a
    /// full listing made for other reasons (a cmdlet run) replaces it. Safe from any thread and runspace.
    /// </summary>
    public sealed class CachedListing<T> where T : class
    {
        private readonly Func<T> load;
        private readonly object gate = new object();
        private T value;
        private Task refreshing;

        public CachedListing(Func<T> load) => this.load = load;

        /// <summary>
        /// The cached answer (refreshed in the background); when there is none yet, the listing started in the
        /// background and waited for at most <paramref name="wait"/>: null when it takes longer (a module probing a
        /// card), and the listing then answers a later request.
        /// </summary>
        public T GetWithin(TimeSpan wait)
        {
            Task running;
            lock (gate)
            {
                if (refreshing == null) refreshing = Task.Run(Refresh);
                if (value != null) return value;
                running = refreshing;
            }
            running.Wait(wait);
            lock (gate) return value;
        }

        public void Set(T listing)
        {
            if (listing == null) return;
            lock (gate) value = listing;
        }

        private void Refresh()
        {
            try
            {
                Set(load());
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                // A failed refresh keeps the last answer; the next request tries again.
            }
            finally
            {
                lock (gate) refreshing = null;
            }
        }
    }
}
