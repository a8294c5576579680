using System;
using SmartCardPS.TestFixture;
using Xunit;

namespace SmartCardPS.Tests.Support
{
    /// <summary>
    /// One private pcscd for every test class that needs PC/SC: the classes of this collection run one after
    /// another, so tests that stop the daemon never race tests that use it. They also run apart from every other
    /// collection, because the soak measures the whole process (memory, open handles).
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class PcscCollection : ICollectionFixture<PcscFixtureHost>
    {
        public const string Name = "pcscd";
    }

    public sealed class PcscFixtureHost : IDisposable
    {
        private readonly Lazy<PcscFixture> fixture = new Lazy<PcscFixture>(() => PcscFixture.Start(2));

        /// <summary>
        /// The running fixture. Where it cannot run the test is skipped, except under CI=true, where
        /// a missing fixture is a failure: CI must never pass by skipping the real stack.
        /// </summary>
        public PcscFixture Fixture
        {
            get
            {
                string why = PcscFixture.Unavailable();
                Requires.Dependency(why == null, "the PC/SC fixture: " + why);
                return fixture.Value;
            }
        }

        public void Dispose()
        {
            if (fixture.IsValueCreated) fixture.Value.Dispose();
        }
    }
}
