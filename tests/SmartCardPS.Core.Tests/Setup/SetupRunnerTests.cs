using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Xunit;
using SmartCardPS.Setup;
using SmartCardPS.Setup.Checks;

namespace SmartCardPS.Tests.Setup
{
    public sealed class SetupRunnerTests
    {
        // Two checks that each finish only once the other has started: they pass only when run at the same time.
        private sealed class Rendezvous : ISetupCheck
        {
            private readonly Barrier barrier;
            private readonly string name;

            public Rendezvous(Barrier barrier, string name, int order)
            {
                this.barrier = barrier;
                this.name = name;
                Order = order;
            }

            public int Order { get; }

            public IEnumerable<SetupCheck> Run(SetupContext context)
            {
                bool met = barrier.SignalAndWait(TimeSpan.FromSeconds(20));
                yield return new SetupCheck(name, met ? SetupStatus.Pass : SetupStatus.Fail, met ? "ran beside the other" : "ran alone");
            }
        }

        private sealed class Throws : ISetupCheck
        {
            public int Order => 1;
            public IEnumerable<SetupCheck> Run(SetupContext context) => throw new InvalidOperationException("broken on purpose");
        }

        private static SetupContext Context() => new SetupContext(new SetupOptions(), new SetupPlatform(PlatformFamily.Debian, false));

        [Fact]
        public void RunsTheChecksAtOnceAndReportsThemInOrder()
        {
            using (var barrier = new Barrier(2))
            {
                // Given last first: the results still come in Order.
                var results = SetupRunner.Run(Context(), new ISetupCheck[] { new Rendezvous(barrier, "second", 20), new Rendezvous(barrier, "first", 10) }).ToList();
                Assert.Equal(new[] { "first", "second" }, results.Select(r => r.Name));
                Assert.All(results, r => Assert.Equal(SetupStatus.Pass, r.Status));
                Assert.All(results, r => Assert.True(r.Elapsed > TimeSpan.Zero));
            }
        }

        [Fact]
        public void ACheckThatThrowsIsAFailAndTheOthersStillReport()
        {
            var results = SetupRunner.Run(Context(), new ISetupCheck[] { new Throws(), new PcscLibraryCheck() }).ToList();
            Assert.Equal(2, results.Count);
            Assert.Equal(SetupStatus.Fail, results[0].Status);
            Assert.Contains("InvalidOperationException: broken on purpose", results[0].Detail);
            Assert.Equal(PcscLibraryCheck.Name, results[1].Name);
        }

        [Fact]
        public void NamesEachCheckAsItsResultsDo()
        {
            Assert.Equal("PKCS#11 PINs", SetupRunner.NameOf(new PinStatusCheck()));
            Assert.Equal("Throws", SetupRunner.NameOf(new Throws()));
            var names = SetupRunner.Checks.Select(SetupRunner.NameOf).ToList();
            Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        }
    }
}
