using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using SmartCardPS.Os;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// A PKCS#11 library is process-wide state: one handle per library file, shared by every cmdlet, completer,
    /// runspace and thread. It is initialized once (on a pool thread, so a waiting caller can give up) and
    /// finalized when the last reference goes; a call in progress holds a reference of its own, so a library is
    /// never finalized while a call is inside it. A new handle for a file waits until the previous one is finalized.
    /// The file is named by its canonical path (PathComparison.Canonical): a symbolic link, a relative path or one with
    /// '..' reach the same handle, as the loader gives them the same module, which may be initialized only once.
    /// </summary>
    internal sealed class Pkcs11LibraryHandle
    {
        private static readonly Pkcs11InteropFactories Factories = new Pkcs11InteropFactories();
        private static readonly object PoolGate = new object();
        private static readonly Dictionary<string, Pkcs11LibraryHandle> Open = new Dictionary<string, Pkcs11LibraryHandle>(PathComparison.Comparer);
        private static readonly Dictionary<string, Task> Closing = new Dictionary<string, Task>(PathComparison.Comparer);

        private readonly object callGate = new object();
        private readonly string path;
        private int references;
        private bool initializedElsewhere;

        private Pkcs11LibraryHandle(string path) => this.path = path;

        /// <summary>Completes once the library is loaded and initialized; faults with the loader's or the module's exception.</summary>
        public Task Ready { get; private set; }

        public IPkcs11Library Library { get; private set; }

        /// <summary>The user logins of the library's tokens, shared by everyone in the process who reads with one.</summary>
        public SharedTokenLogins Logins { get; } = new SharedTokenLogins();

        /// <summary>The module refused CKF_OS_LOCKING_OK, so it may not be entered by two threads at once.</summary>
        public bool SerializesCalls { get; private set; }

        /// <summary>How many handles are open in this process (for leak checks).</summary>
        public static int OpenCount
        {
            get { lock (PoolGate) return Open.Count; }
        }

        /// <summary>A reference to the handle for the file at <paramref name="path"/>; initialization may still be under way (see Ready).</summary>
        public static Pkcs11LibraryHandle Acquire(string path)
        {
            path = PathComparison.Canonical(path);
            lock (PoolGate)
            {
                if (!Open.TryGetValue(path, out Pkcs11LibraryHandle handle))
                {
                    handle = new Pkcs11LibraryHandle(path);
                    Open[path] = handle;
                    Task previous = Closing.TryGetValue(path, out Task closing) ? closing : Task.CompletedTask;
                    handle.Ready = previous.ContinueWith(_ => handle.Initialize(), CancellationToken.None,
                        TaskContinuationOptions.None, TaskScheduler.Default);
                }
                handle.references++;
                return handle;
            }
        }

        /// <summary>One more reference, for a call that may outlive the caller's own.</summary>
        public void AddRef()
        {
            lock (PoolGate)
            {
                if (references == 0) throw new ObjectDisposedException(nameof(Pkcs11Library));
                references++;
            }
        }

        public void Release()
        {
            var closed = new TaskCompletionSource<bool>();
            lock (PoolGate)
            {
                if (--references > 0) return;
                Open.Remove(path);
                Closing[path] = closed.Task;
            }
            if (Ready.IsCompleted) Close(closed);
            else Ready.ContinueWith(_ => Close(closed), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        /// <summary>Runs one call into the library, alone when the module cannot lock for itself.</summary>
        public T Invoke<T>(Func<IPkcs11Library, T> call)
        {
            if (!SerializesCalls) return call(Library);
            lock (callGate) return call(Library);
        }

        private void Initialize()
        {
            NativeLoader.EnsureHooked();
            IDisposable probe = null;
            try
            {
                CKR rv = Pkcs11Initializer.Initialize(path, osLocking: true, out probe);
                if (rv == CKR.CKR_CANT_LOCK)
                {
                    SerializesCalls = true;
                    rv = Pkcs11Initializer.Initialize(path, osLocking: false, out IDisposable again);
                    again.Dispose();
                }
                if (rv != CKR.CKR_OK && rv != CKR.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw new Pkcs11Exception("C_Initialize", rv);
                initializedElsewhere = rv == CKR.CKR_CRYPTOKI_ALREADY_INITIALIZED;
                // Pkcs11Interop's own C_Initialize now answers CKR_CRYPTOKI_ALREADY_INITIALIZED, which it accepts.
                Library = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, path,
                    SerializesCalls ? AppType.SingleThreaded : AppType.MultiThreaded);
            }
            finally
            {
                probe?.Dispose();
            }
        }

        private void Close(TaskCompletionSource<bool> closed)
        {
            try
            {
                // A module another component of this process initialized stays initialized for it: no C_Finalize.
                if (Library != null && !initializedElsewhere) Library.Dispose();
            }
            catch (Exception ex) when (ex is Pkcs11Exception || ex is UnmanagedException)
            {
                // Finalizing is best effort: nothing is left to report it to.
            }
            finally
            {
                Library = null;
                lock (PoolGate)
                {
                    if (Closing.TryGetValue(path, out Task task) && task == closed.Task) Closing.Remove(path);
                }
                closed.SetResult(true);
            }
        }
    }
}
