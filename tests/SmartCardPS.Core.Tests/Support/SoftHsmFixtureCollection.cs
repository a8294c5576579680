using System;
using SmartCardPS.TestFixture;
using Xunit;

namespace SmartCardPS.Tests.Support
{
    /// <summary>
    /// One private SoftHSM for the test classes that load PKCS#11 modules: they run one after another, as
    /// SOFTHSM2_CONF and the private p11-kit registry are process-wide.
    /// </summary>
    [CollectionDefinition(Name)]
    public sealed class SoftHsmCollection : ICollectionFixture<SoftHsmFixtureHost>
    {
        public const string Name = "softhsm";
    }

    public sealed class SoftHsmFixtureHost : IDisposable
    {
        public static readonly string[] Labels = { "Alpha", "Beta token", "Gämma/#;%" };

        private readonly Lazy<SoftHsmFixture> fixture = new Lazy<SoftHsmFixture>(() => SoftHsmFixture.Start(Labels));

        /// <summary>The running fixture; skipped where it cannot run, a failure under CI=true (CI must not pass by skipping).</summary>
        public SoftHsmFixture Fixture
        {
            get
            {
                string why = SoftHsmFixture.Unavailable();
                Requires.Dependency(why == null, "the SoftHSM fixture: " + why);
                return fixture.Value;
            }
        }

        /// <summary>A PKCS#11 shim forwarding to this SoftHSM (see Pkcs11Shim); skipped without gcc, except under CI.</summary>
        public Pkcs11Shim NewShim(bool noLocking = false)
        {
            _ = Fixture;
            string why = Pkcs11Shim.Unavailable();
            Skip.If(why != null && !PcscFixture.IsCi, why);
            return Pkcs11Shim.Build(SoftHsmFixture.LibraryPath, noLocking);
        }

        public void Dispose()
        {
            if (fixture.IsValueCreated) fixture.Value.Dispose();
        }
    }
}
