using System.Collections.Generic;
using System.Linq;
using SmartCardPS.Clients;
using SmartCardPS.Text;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>No reader is held exclusively (a Warn naming who may hold it: scdaemon, a leftover script, a browser).</summary>
    public sealed class ExclusiveReaderCheck : ISetupCheck
    {
        public const string Name = "Exclusive use";

        public int Order => 750;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            if (context.Readers == null || context.Readers.Count == 0)
            {
                yield return new SetupCheck(Name, SetupStatus.Skip, context.Readers == null ? "the PC/SC service does not answer" : "there is no reader");
                yield break;
            }
            var held = context.Readers.Where(r => r.Exclusive).ToList();
            if (held.Count == 0)
            {
                yield return new SetupCheck(Name, SetupStatus.Pass, "no reader is held exclusively");
                yield break;
            }
            PcscClientScan scan = CardHolders.TryScan();
            List<PcscClient> others = scan == null ? new List<PcscClient>() : CardHolders.Others(scan);
            foreach (var reader in held)
            {
                bool own = CardHolders.OwnHolder(reader.Name) != null;
                string who = own ? "this PowerShell process holds it (a connection from Connect-SmartCard -ShareMode Exclusive)" : (scan == null ? "the programs connected to the PC/SC service cannot be listed here"
                    : others.Count == 0 ? "no program this user can see is connected to the PC/SC service"
                    : "the programs connected to the PC/SC service are " + CardHolders.Names(others));
                string uninspected = own ? null : scan?.UninspectedWarning();
                yield return new SetupCheck(Name, SetupStatus.Warn,
                    $"{UntrustedText.Quote(reader.Name)} is held exclusively, so no other program can use its card; {who}." + (uninspected == null ? "" : " " + uninspected),
                    own ? "close that connection with Disconnect-SmartCard" : CardHolders.Remedy(others));
            }
        }
    }
}
