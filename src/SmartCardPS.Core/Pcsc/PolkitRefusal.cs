using System;
using SmartCardPS.Interop;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.Pcsc
{
    /// <summary>
    /// pcscd built with polkit (Fedora, Arch, NixOS; Debian's is not: pcscd --version lists the features) asks
    /// polkit before serving a client. pcsc-lite documents SCardEstablishContext's SCARD_W_SECURITY_VIOLATION as
    /// "Access was denied by the daemon (Polkit issue?)" (action access_pcsc), and its SCardConnect answers a
    /// refused access_card with SCARD_W_SECURITY_VIOLATION (newer releases close the connection instead, which the
    /// client sees as a communication error and cannot be told apart). SCARD_E_NO_ACCESS is a card-file code that
    /// neither call returns otherwise, so from these two calls it is read the same way. The client library also answers
    /// SCARD_W_SECURITY_VIOLATION when the service closes the connection as it stops, so the message says to retry then.
    /// </summary>
    public static class PolkitRefusal
    {
        public const string AccessPcsc = "org.debian.pcsc-lite.access_pcsc";
        public const string AccessCard = "org.debian.pcsc-lite.access_card";

        /// <summary>Whether <paramref name="code"/>, from SCardEstablishContext or SCardConnect, is pcscd's polkit refusal.</summary>
        public static bool Is(ScardError code) =>
            (code == ScardError.SecurityViolation || code == ScardError.NoAccess) && !RunningOs.IsWindows && !RunningOs.IsMacOS;

        /// <summary>The failure of <paramref name="operation"/>: the refusal explained when it is one, else the code's usual sentence.</summary>
        public static PcscException Failure(ScardError code, string operation, string action) =>
            Is(code) ? new PcscException(code, operation, Explain(action)) : new PcscException(code, operation);

        public static string Explain(string action) =>
            $"pcscd's polkit policy refused this user ({UntrustedText.Quote(Environment.UserName)}) the action {action}. " +
            "pcscd built with polkit serves only users of an active local session; an SSH login, a service account or a container is refused " +
            "(pcsc-lite reports a connection the service closed as it stopped the same way: if pcscd was just restarting, retry). " + Remedy;

        /// <summary>The rule to add for this user (a group works the same with subject.isInGroup), or the session to run in.</summary>
        public static string Remedy =>
            "Run the command in an active local session, or allow this user with a polkit rule in /etc/polkit-1/rules.d/50-pcscd.rules: " +
            "polkit.addRule(function(action, subject) { if ((action.id == \"" + AccessPcsc + "\" || action.id == \"" + AccessCard + "\") && " +
            "subject.user == \"" + RuleString(Environment.UserName) + "\") { return polkit.Result.YES; } }); " +
            "(for a group: subject.isInGroup(\"GROUP\")); polkit reads the rule at once.";

        /// <summary>A user name as a JavaScript string literal's content: names with quotes or backslashes exist on some systems.</summary>
        private static string RuleString(string name) => UntrustedText.Escape(name).Replace("\\", "\\\\").Replace("\"", "\\\"");
    }
}
