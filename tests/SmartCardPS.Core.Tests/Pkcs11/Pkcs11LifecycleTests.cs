using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using System.Threading;
using System;
using SmartCardPS.Pkcs11;
using SmartCardPS.TestFixture;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Pkcs11
{
    /// <summary>
    /// One process-wide library per path: initialized once, shared by every thread, finalized by the last user and
    /// never while a call is inside; modules that refuse OS locking are called one thread at a time.
    /// </summary>
    [Collection(SoftHsmCollection.Name)]
    public class Pkcs11LifecycleTests
    {
        private readonly SoftHsmFixtureHost host;

        public Pkcs11LifecycleTests(SoftHsmFixtureHost host) => this.host = host;

        [SkippableFact]
        public void ThreadsLoadingListingAndReleasingTheSameLibraryAllSeeEveryToken()
        {
            _ = host.Fixture;
            int expected;
            using (var library = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2")) expected = library.GetTokens(false).Count;
            var failures = new List<string>();
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
            {
                for (int i = 0; i < 40; i++)
                {
                    try
                    {
                        using (var library = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2"))
                        {
                            int count = library.GetTokens(false).Count;
                            if (count != expected) lock (failures) failures.Add($"worker {worker}: {count} tokens");
                        }
                    }
                    catch (Pkcs11ModuleException ex)
                    {
                        lock (failures) failures.Add($"worker {worker}: {ex.Reason}");
                    }
                }
            });
            Assert.Empty(failures);
        }

        [SkippableFact]
        public void TheModuleIsInitializedOnceAndFinalizedWhenItsLastUserReleasesIt()
        {
            using (var shim = host.NewShim())
            {
                var first = Pkcs11Library.Load(shim.LibraryPath, "shim");
                var second = Pkcs11Library.Load(shim.LibraryPath, "shim");
                Assert.Equal(1, shim.Initializations);
                first.Dispose();
                Assert.Equal(0, shim.Finalizations);
                Assert.NotEmpty(second.GetTokens(false));
                second.Dispose();
                Assert.Equal(1, shim.Initializations);
                Assert.Equal(new[] { "C_Finalize 0" }, shim.Log.Where(l => l.StartsWith("C_Finalize", StringComparison.Ordinal)));
            }
        }

        [SkippableFact]
        public void AModuleRefusingOsLockingIsInitializedWithoutItAndCalledOneThreadAtATime()
        {
            using (var shim = host.NewShim(noLocking: true))
            using (var library = Pkcs11Library.Load(shim.LibraryPath, "single-threaded"))
            {
                Assert.True(library.SerializesCalls);
                Parallel.For(0, 6, _ =>
                {
                    using (var mine = Pkcs11Library.Load(shim.LibraryPath, "single-threaded"))
                    {
                        for (int i = 0; i < 5; i++) Assert.NotEmpty(mine.GetTokens(false));
                    }
                });
                Assert.Equal(0, shim.Overlaps);
            }
        }

        [SkippableFact]
        public void ACancelledCallReturnsAtOnceAndTheModuleIsFinalizedOnlyAfterTheCallLeavesIt()
        {
            using (var shim = host.NewShim())
            using (var stop = new CancellationTokenSource())
            {
                var library = Pkcs11Library.Load(shim.LibraryPath, "stuck", cancellation: stop.Token);
                shim.Block();
                var listing = Task.Run(() => library.GetTokens(false));
                Assert.True(shim.WaitEntered(TimeSpan.FromSeconds(30)), "the listing never reached C_GetSlotList");
                var clock = Stopwatch.StartNew();
                stop.Cancel();
                Assert.ThrowsAny<OperationCanceledException>(() => listing.GetAwaiter().GetResult());
                TimeSpan returned = clock.Elapsed;
                library.Dispose();
                Assert.Equal(0, shim.Finalizations);
                shim.Unblock();
                var wait = Stopwatch.StartNew();
                while (shim.Finalizations == 0 && wait.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(10);
                Assert.Equal(1, shim.Finalizations);
                // The module is stuck for as long as the test holds it, so the cancelled caller returned while it was inside.
                Assert.True(returned < wait.Elapsed + clock.Elapsed, $"cancellation took {returned}");
            }
        }

        [SkippableFact]
        public void ATokenThatFailsIsOneSlotErrorAndTheOtherTokensStillList()
        {
            using (var shim = host.NewShim())
            {
                host.Fixture.AddToken("Broken token");
                try
                {
                    var errors = new List<Pkcs11ModuleException>();
                    List<Pkcs11Token> tokens;
                    using (var library = Pkcs11Library.Load(shim.LibraryPath, "shim")) tokens = library.GetTokens(false, errors.Add);
                    Assert.Equal(SoftHsmFixtureHost.Labels.OrderBy(l => l, StringComparer.Ordinal),
                        tokens.Where(t => t.Flags.HasFlag(Pkcs11TokenFlags.TokenInitialized)).Select(t => t.Label).OrderBy(l => l, StringComparer.Ordinal));
                    var error = Assert.Single(errors);
                    Assert.Equal("CKR_DEVICE_ERROR", error.ReturnValueName);
                    Assert.NotNull(error.SlotId);
                    Assert.Contains("'shim'", error.Message);
                    Assert.StartsWith($"Slot {error.SlotId} of the PKCS#11 module 'shim'", error.Message);
                    Assert.Contains("C_GetTokenInfo returned CKR_DEVICE_ERROR", error.Message);
                }
                finally
                {
                    host.Fixture.RemoveToken("Broken token");
                }
            }
        }
    }
}
