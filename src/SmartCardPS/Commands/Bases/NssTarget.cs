using SmartCardPS.Nss;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>One NSS database a cmdlet works on: a Firefox profile, a -NssDatabase directory or the shared
    /// database.</summary>
    public sealed class NssTarget
    {
        public string Directory { get; set; }

        public FirefoxProfile Profile { get; set; }

        public string Description => Profile != null ? $"Firefox profile {NssCmdlet.Quote(Profile.Name)} ({NssCmdlet.Quote(Directory)})" : "NSS database " + NssCmdlet.Quote(Directory);
    }
}
