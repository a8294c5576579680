using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using SmartCardPS.Cards;
using SmartCardPS.Interop;

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
        public static PcscException Explain(PcscException failure, string reader)
        {
            if (failure == null || failure.Error != ScardError.SharingViolation || reader == null) return failure;
            string explanation = Describe(reader);
            return explanation == null ? failure : new PcscException(failure.Error, failure.Operation, explanation);
        }

        /// <summary>The sentence for a sharing violation on <paramref name="reader"/>, or null when the clients cannot be listed here.</summary>
        public static string Describe(string reader)
        {
            List<SmartCardConnection> own = OpenConnections.To(reader);
            if (own.Count > 0)
            {
                return own.Any(c => c.ShareMode == SmartCardShareMode.Exclusive)
                    ? "This PowerShell process holds the card itself: a connection it opened with Connect-SmartCard -ShareMode Exclusive is still open; close it with Disconnect-SmartCard and retry."
                    : "This PowerShell process has a connection to the card open (from Connect-SmartCard), and an exclusive connection needs every other one closed; close it with Disconnect-SmartCard, or connect with -ShareMode Shared.";
            }
            PcscClientScan scan;
            try
            {
                scan = PcscClients.Scan();
            }
            catch (Exception ex) when (ex is PlatformNotSupportedException || ex is Win32Exception || ex is System.IO.IOException)
            {
                return null;
            }
            return Describe(scan.Clients.Where(c => !c.IsCurrentProcess).ToList(), scan.UninspectedWarning());
        }

        /// <summary>The holders named, escaped (process names and command lines are whatever the programs chose).</summary>
        public static string Describe(IReadOnlyList<PcscClient> others, string uninspected)
        {
            string tail = uninspected == null ? "" : " " + uninspected;
            if (others.Count == 0)
                return "Another program holds the card exclusively, but none that this user can see is connected to the PC/SC service now; retry." + tail;
            string text = "Another program holds the card exclusively; the programs connected to the PC/SC service (Get-SmartCardClient lists them) are " +
                string.Join(", ", others.Select(Name)) + "." + tail;
            if (others.Any(IsScdaemon))
            {
                text += " GnuPG's scdaemon keeps the card for itself: stop it with 'gpgconf --kill scdaemon', and to keep it from taking the card " +
                    "again put the lines 'disable-ccid' (use pcscd rather than its own CCID driver) and 'pcsc-shared' (share the card) in ~/.gnupg/scdaemon.conf.";
            }
            else
            {
                text += " Close the one that holds it and retry.";
            }
            return text;
        }

        private static string Name(PcscClient c) =>
            $"{UntrustedText.Quote(c.ProcessName)} (pid {c.ProcessId}, user {UntrustedText.Escape(c.User)}: {UntrustedText.Quote(c.CommandLine, 80)})";

        private static bool IsScdaemon(PcscClient c) => string.Equals(c.ProcessName, "scdaemon", StringComparison.Ordinal);
    }
}
