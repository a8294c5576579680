using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmartCardPS.Pkcs11;
using SmartCardPS.TestFixture;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Pkcs11
{
    /// <summary>
    /// One handle per library file, however its path is spelled (symbolic links, relative, '..', '//'), and every call
    /// into a module that refuses OS locking made under its one call lock, session logout and close included.
    /// </summary>
    [Collection(SoftHsmCollection.Name)]
    public class Pkcs11SharedHandleTests
    {
        private readonly SoftHsmFixtureHost host;

        public Pkcs11SharedHandleTests(SoftHsmFixtureHost host) => this.host = host;

        private static void SkipUnlessUnix() =>
            Skip.If(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), "symbolic links to shared libraries are a Unix matter here");

        /// <summary>A symbolic link to <paramref name="target"/> in a directory of its own.</summary>
        private static string Link(string directory, string target)
        {
            Directory.CreateDirectory(directory);
            string link = Path.Combine(directory, "lib-linked.so");
            File.CreateSymbolicLink(link, target);
            return link;
        }

        [SkippableFact]
        public void EverySpellingOfOneLibraryIsInitializedOnceAndFinalizedOnceByItsLastUser()
        {
            SkipUnlessUnix();
            using (var shim = host.NewShim())
            {
                string file = shim.LibraryPath;
                string dir = Path.GetDirectoryName(file), name = Path.GetFileName(file);
                string[] spellings =
                {
                    file,
                    Link(Path.Combine(shim.Directory, "links"), file),
                    Path.Combine(dir, "control", "..", name),
                    dir + "//" + name,
                    Path.GetRelativePath(Directory.GetCurrentDirectory(), file),
                };
                var libraries = new List<Pkcs11Library> { Pkcs11Library.Load(file, "shim") };
                // Ours, then Pkcs11Interop's own, which the module answers with CKR_CRYPTOKI_ALREADY_INITIALIZED.
                int initializeCalls = shim.InitializeCalls;
                try
                {
                    libraries.AddRange(spellings.Skip(1).Select(s => Pkcs11Library.Load(s, "shim")));
                    Assert.Equal(initializeCalls, shim.InitializeCalls);
                    Assert.Equal(1, shim.Initializations);
                    // Each keeps the path its user gave, for what cmdlets show.
                    Assert.Equal(spellings, libraries.Select(l => l.Path));
                    // The first user going must not finalize the module under the others.
                    libraries[0].Dispose();
                    Assert.Equal(0, shim.Finalizations);
                    foreach (var library in libraries.Skip(1)) Assert.NotEmpty(library.GetTokens(false));
                }
                finally
                {
                    foreach (var library in libraries) library.Dispose();
                }
                Assert.Equal(initializeCalls, shim.InitializeCalls);
                Assert.Equal(new[] { "C_Finalize 0" }, shim.Log.Where(l => l.StartsWith("C_Finalize", StringComparison.Ordinal)));
            }
        }

        [SkippableFact]
        public void SoftHsmThroughASymbolicLinkStaysInitializedWhenItsOtherSpellingIsReleased()
        {
            SkipUnlessUnix();
            _ = host.Fixture;
            string dir = Path.Combine(Path.GetTempPath(), "smartcardps-links-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            try
            {
                var spellings = new List<string> { Link(dir, SoftHsmFixture.LibraryPath) };
                // Debian also ships SoftHSM as /usr/lib/softhsm/libsofthsm2.so, a link to the multiarch file.
                const string debianLink = "/usr/lib/softhsm/libsofthsm2.so";
                if (File.Exists(debianLink) && debianLink != SoftHsmFixture.LibraryPath) spellings.Add(debianLink);
                foreach (string spelling in spellings)
                {
                    var direct = Pkcs11Library.Load(SoftHsmFixture.LibraryPath, "softhsm2");
                    using (var linked = Pkcs11Library.Load(spelling, "softhsm2"))
                    {
                        int count = direct.GetTokens(false).Count;
                        direct.Dispose();
                        Assert.Equal(spelling, linked.Path);
                        Assert.Equal(count, linked.GetTokens(false).Count);
                    }
                }
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        [SkippableFact]
        public void SessionsOfAModuleRefusingOsLockingAreLoggedOutAndClosedUnderItsCallLock()
        {
            using (var shim = host.NewShim(noLocking: true))
            using (var library = Pkcs11Library.Load(shim.LibraryPath, "single-threaded"))
            {
                Assert.True(library.SerializesCalls);
                Pkcs11Token token = library.GetTokens(false).Single(t => t.Label == "Beta token");
                byte[] pin = Encoding.UTF8.GetBytes(SoftHsmFixture.UserPin);
                shim.ResetLog();
                Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 6 }, worker =>
                {
                    using (var mine = Pkcs11Library.Load(shim.LibraryPath, "single-threaded"))
                    {
                        for (int i = 0; i < 6; i++)
                        {
                            var query = new Pkcs11ObjectQuery { Login = worker % 2 == 0, Pin = worker % 2 == 0 ? pin : null };
                            Pkcs11ObjectReader.Read(mine, token, query);
                            // Each mechanism is one more call; SoftHSM has dozens, and one listing per thread overlaps enough.
                            if (i == 0) Assert.NotEmpty(mine.GetMechanisms(token));
                            Assert.Contains(mine.GetTokens(true), t => t.Label == "Beta token");
                        }
                    }
                });
                string[] calls = shim.Calls;
                Assert.Contains("Login", calls);
                Assert.Contains("Logout", calls);
                Assert.Contains("CloseSession", calls);
                Assert.Equal(0, shim.Overlaps);
            }
        }

        [SkippableFact]
        public void AReadStoppedWhileTheModuleIsInsideACallEndsItsSessionUnderTheLockOnceTheCallReturns()
        {
            using (var shim = host.NewShim(noLocking: true))
            using (var stop = new CancellationTokenSource())
            {
                var library = Pkcs11Library.Load(shim.LibraryPath, "stuck", cancellation: stop.Token);
                Pkcs11Token token = library.GetTokens(false).Single(t => t.Label == "Beta token");
                var query = new Pkcs11ObjectQuery { Login = true, Pin = Encoding.UTF8.GetBytes(SoftHsmFixture.UserPin) };
                shim.ResetLog();
                shim.Block("FindObjectsInit");
                try
                {
                    var reading = Task.Run(() => Pkcs11ObjectReader.Read(library, token, query));
                    Assert.True(shim.WaitEntered(TimeSpan.FromSeconds(30)), "the read never reached C_FindObjectsInit");
                    stop.Cancel();
                    Assert.ThrowsAny<OperationCanceledException>(() => reading.GetAwaiter().GetResult());
                    library.Dispose();
                    // The module is still inside C_FindObjectsInit: logging out or closing now would enter it a second time.
                    Assert.DoesNotContain("Logout", shim.Calls);
                    Assert.DoesNotContain("CloseSession", shim.Calls);
                }
                finally
                {
                    shim.Unblock();
                }
                var wait = Stopwatch.StartNew();
                while (shim.Finalizations == 0 && wait.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(10);
                Assert.Equal(1, shim.Finalizations);
                // The abandoned search ran to its end, then the session ended (Pkcs11Interop asks C_FindObjects until it has all).
                Assert.Equal(new[] { "FindObjectsInit", "FindObjects", "FindObjectsFinal", "Logout", "CloseSession" },
                    shim.Calls.SkipWhile(c => c != "FindObjectsInit").Distinct());
                Assert.Equal(0, shim.Overlaps);
            }
        }
    }
}
