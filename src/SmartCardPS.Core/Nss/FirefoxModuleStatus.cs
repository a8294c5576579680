
namespace SmartCardPS.Nss
{
    /// <summary>Whether one Firefox profile can use smart cards: OpenSC or p11-kit-proxy registered, and loaded if Firefox runs.</summary>
    public sealed class FirefoxModuleStatus
    {
        public FirefoxProfile Profile { get; set; }

        /// <summary>The OpenSC or p11-kit-proxy module of the profile, or null.</summary>
        public NssModule Module { get; set; }

        /// <summary>Firefox runs with the profile but has not loaded the module: it started before the module was registered.</summary>
        public bool NeedsRestart { get; set; }

        /// <summary>What is wrong, or null.</summary>
        public string Problem { get; set; }

        /// <summary>What to do about it, or null.</summary>
        public string Remedy { get; set; }
    }
}
