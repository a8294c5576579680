using SmartCardPS.Text;

namespace SmartCardPS.Nss
{
    /// <summary>One NSS database a command works on: a Firefox profile, a database directory or the shared
    /// database (see <see cref="NssTargetResolver"/>).</summary>
    public sealed class NssTarget
    {
        public string Directory { get; set; }

        /// <summary>The profile whose directory this is; null for a database no profile uses.</summary>
        public FirefoxProfile Profile { get; set; }

        /// <summary>How messages name the database, its untrusted names quoted.</summary>
        public string Description => Profile != null
            ? $"Firefox profile {UntrustedText.Quote(Profile.Name)} ({UntrustedText.Quote(Directory)})"
            : "NSS database " + UntrustedText.Quote(Directory);
    }
}
