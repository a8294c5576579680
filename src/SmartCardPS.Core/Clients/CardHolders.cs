using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using SmartCardPS.Interop;
using SmartCardPS.Pcsc;
using SmartCardPS.Text;

namespace SmartCardPS.Clients
{
    /// <summary>
    /// Who may be keeping a card: this process's own connections first, else the other PC/SC clients. pcscd does
    /// not say which client holds a reader, so the others are named as candidates, with the remedy for the one
    /// that keeps cards exclusively by design (GnuPG's scdaemon).
    /// </summary>
    public static class CardHolders
    {
        /// <summary>
        /// <paramref name="failure"/> (a sharing violation on <paramref name="reader"/>) with a message naming the
        /// holders; any other failure as it is.
        /// </summary>
        public static PcscException Explain(PcscException failure, string reader, Func<SmartCardConnection, string> variableOf = null)
        {
            if (failure == null || failure.Error != ScardError.SharingViolation || reader == null) return failure;
            string explanation = Describe(reader, variableOf);
            return explanation == null ? failure : new PcscException(failure.Error, failure.Operation, explanation);
        }

        /// <summary>The sentence for a sharing violation on <paramref name="reader"/>, or null when the clients cannot be listed here.</summary>
        public static string Describe(string reader, Func<SmartCardConnection, string> variableOf = null)
        {
            string own = OwnHolder(reader, variableOf);
            if (own != null) return own;
            PcscClientScan scan = TryScan();
            if (scan == null) return null;
            List<PcscClient> others = Others(scan);
            string tail = scan.UninspectedWarning() == null ? "" : " " + scan.UninspectedWarning();
            if (others.Count == 0)
                return "Another program holds the card exclusively, but none that this user can see is connected to the PC/SC service now; retry." + tail;
            return $"Another program holds the card exclusively; the programs connected to the PC/SC service (Get-SmartCardClient lists them) are {Names(others)}.{tail} {Remedy(others)}";
        }

        /// <summary>
        /// What to say when this process's own connection to <paramref name="reader"/> is in the way, else null: which
        /// connection (the variable holding it, when <paramref name="variableOf"/> finds one; how and when it was opened)
        /// and the command that closes it.
        /// </summary>
        public static string OwnHolder(string reader, Func<SmartCardConnection, string> variableOf = null)
        {
            List<SmartCardConnection> own = OpenConnections.To(reader);
            if (own.Count == 0) return null;
            SmartCardConnection connection = own.FirstOrDefault(c => c.ShareMode == SmartCardShareMode.Exclusive) ?? own[0];
            string variable = variableOf?.Invoke(connection);
            string which = (variable != null ? "its connection " + variable : "its connection to " + UntrustedText.Quote(reader))
                + $" (Connect-SmartCard -ShareMode {connection.ShareMode} at {connection.OpenedAt.LocalDateTime:HH:mm:ss}, still open)";
            string close = variable != null ? $"close it with 'Disconnect-SmartCard {variable}'"
                : "close it with Disconnect-SmartCard (Get-Variable | Where-Object Value -is [SmartCardPS.Pcsc.SmartCardConnection] finds the variable that holds it)";
            return connection.ShareMode == SmartCardShareMode.Exclusive
                ? $"This PowerShell process holds the card itself: {which}; {close} and retry."
                : $"This PowerShell process holds the card itself: {which}, and an exclusive connection needs every other one closed; {close}, or connect with -ShareMode Shared.";
        }

        /// <summary>The clients, or null where they cannot be listed (not Linux, no sock_diag).</summary>
        public static PcscClientScan TryScan()
        {
            try
            {
                return PcscClients.Scan();
            }
            catch (Exception ex) when (ex is PlatformNotSupportedException || ex is Win32Exception || ex is System.IO.IOException)
            {
                return null;
            }
        }

        public static List<PcscClient> Others(PcscClientScan scan) => scan.Clients.Where(c => !c.IsCurrentProcess).ToList();

        /// <summary>The clients named, escaped (process names and command lines are whatever the programs chose).</summary>
        public static string Names(IEnumerable<PcscClient> clients) => string.Join(", ", clients.Select(Name));

        /// <summary>The remedy for scdaemon, which keeps cards exclusively by design, or the general one.</summary>
        public static string Remedy(IEnumerable<PcscClient> clients)
        {
            if (clients.Any(IsScdaemon))
            {
                return "GnuPG's scdaemon keeps the card for itself: stop it with 'gpgconf --kill scdaemon', and to keep it from taking the card " +
                    "again put the lines 'disable-ccid' (use pcscd rather than its own CCID driver) and 'pcsc-shared' (share the card) in ~/.gnupg/scdaemon.conf.";
            }
            return "Close the program that holds it and retry.";
        }

        // Windows tells neither the user nor the command line of another process (WindowsPcscClients): then the name
        // and pid are all there is to say.
        private static string Name(PcscClient c) =>
            $"{UntrustedText.Quote(c.ProcessName)} (pid {c.ProcessId}" +
            (c.User == null ? "" : $", user {UntrustedText.Escape(c.User)}") +
            (c.CommandLine == null ? "" : $": {UntrustedText.QuoteAtMost(c.CommandLine, 80)}") + ")";

        private static bool IsScdaemon(PcscClient c) => string.Equals(c.ProcessName, "scdaemon", StringComparison.Ordinal);
    }
}
