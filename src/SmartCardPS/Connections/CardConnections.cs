using System.Linq;
using System.Management.Automation;
using SmartCardPS.Interop;
using SmartCardPS.Parameters;
using SmartCardPS.Pcsc;
using SmartCardPS.Text;

namespace SmartCardPS.Connections
{
    /// <summary>Reader names as the card cmdlets take them: exact names always, wildcards when they match one
    /// reader.</summary>
    internal static class CardConnections
    {
        public static SmartCardConnection Connect(string name, SmartCardShareMode share, SmartCardProtocol protocol) =>
            SmartCardConnection.Connect(ResolveReader(name), share, protocol);

        private static string ResolveReader(string name)
        {
            // Names are literal first: pcscd names readers with brackets, which are wildcard characters.
            if (!WildcardPattern.ContainsWildcardCharacters(name)) return name;
            string[] names;
            using (var context = PcscContext.Establish()) names = context.ListReaders();
            if (names.Contains(name)) return name;
            string[] matches = names.Where(Wildcard.Matcher(name)).ToArray();
            if (matches.Length == 1) return matches[0];
            if (matches.Length == 0) throw new PcscException(ScardError.UnknownReader, $"Finding a reader that matches {UntrustedText.Quote(name)}");
            throw new AmbiguousReaderException($"{UntrustedText.Quote(name)} matches {matches.Length} readers ({string.Join(", ", matches.Select(m => UntrustedText.Quote(m)))}); name one of them.");
        }
    }
}
