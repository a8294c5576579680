using System.Collections.Generic;
using SmartCardPS.Os;

namespace SmartCardPS.Interop
{
    /// <summary>
    /// The native name and an actionable sentence for each PC/SC return code. Advice about the service names this
    /// platform's: the Smart Card service (SCardSvr) on Windows, pcscd elsewhere.
    /// </summary>
    public static class ScardErrorInfo
    {
        private static bool Windows => RunningOs.IsWindows;
        private static bool MacOS => RunningOs.IsMacOS;

        private static string Restart =>
            Windows ? "'Restart-Service SCardSvr' as administrator"
            : MacOS ? "unplug and plug in the reader: macOS starts its smart-card service on demand"
            : "'sudo systemctl restart pcscd'";

        private static string Start =>
            Windows ? "'Start-Service SCardSvr' as administrator"
            : MacOS ? "unplug and plug in the reader: macOS starts its smart-card service on demand"
            : "'sudo systemctl start pcscd.socket' or 'sudo systemctl enable --now pcscd.socket'";

        private static string TheService => Windows ? "the Smart Card service (SCardSvr)" : "the PC/SC service";
        private static string Service => Windows ? "The Smart Card service (SCardSvr)" : "The PC/SC service";

        private static readonly Dictionary<ScardError, (string Name, string Text)> Table = new Dictionary<ScardError, (string, string)>
        {
            [ScardError.Success] = ("SCARD_S_SUCCESS", "The operation succeeded."),
            [ScardError.InternalError] = ("SCARD_F_INTERNAL_ERROR", Service + " hit an internal consistency check; restart it (" + Restart + ") and retry."),
            [ScardError.Cancelled] = ("SCARD_E_CANCELLED", "The wait was cancelled."),
            [ScardError.InvalidHandle] = ("SCARD_E_INVALID_HANDLE", "The PC/SC context or card handle is no longer valid, usually because " + TheService + " restarted; retry."),
            [ScardError.InvalidParameter] = ("SCARD_E_INVALID_PARAMETER", "The PC/SC service rejected a parameter; this is a bug worth reporting."),
            [ScardError.InvalidTarget] = ("SCARD_E_INVALID_TARGET", "The PC/SC service found inconsistent start-up information; restart it."),
            [ScardError.NoMemory] = ("SCARD_E_NO_MEMORY", "The PC/SC service is out of memory."),
            [ScardError.WaitedTooLong] = ("SCARD_F_WAITED_TOO_LONG", "An internal PC/SC timeout expired; retry."),
            [ScardError.InsufficientBuffer] = ("SCARD_E_INSUFFICIENT_BUFFER", "The buffer for the answer was too small; retry (the reader list changed while it was read)."),
            [ScardError.UnknownReader] = ("SCARD_E_UNKNOWN_READER", "No reader has that name; list the readers with Get-SmartCardReader."),
            [ScardError.Timeout] = ("SCARD_E_TIMEOUT", "The wait timed out before anything changed."),
            [ScardError.SharingViolation] = ("SCARD_E_SHARING_VIOLATION", "Another program holds the card exclusively; close it (often a running gpg-agent/scdaemon or a browser) and retry."),
            [ScardError.NoSmartCard] = ("SCARD_E_NO_SMARTCARD", "There is no card in the reader; insert one."),
            [ScardError.UnknownCard] = ("SCARD_E_UNKNOWN_CARD", "The card name is not known to the PC/SC service."),
            [ScardError.CantDispose] = ("SCARD_E_CANT_DISPOSE", "The reader cannot dispose of the card as asked."),
            [ScardError.ProtoMismatch] = ("SCARD_E_PROTO_MISMATCH", "The card does not support the requested protocol (T=0/T=1)."),
            [ScardError.NotReady] = ("SCARD_E_NOT_READY", "The reader or card is not ready; wait and retry."),
            [ScardError.InvalidValue] = ("SCARD_E_INVALID_VALUE", "A value passed to the PC/SC service is out of range."),
            [ScardError.SystemCancelled] = ("SCARD_E_SYSTEM_CANCELLED", "The operation was cancelled by the system (log-off or shutdown)."),
            [ScardError.CommError] = ("SCARD_F_COMM_ERROR", "Communication with the PC/SC service failed; check that " + (Windows ? "the Smart Card service (SCardSvr) runs (Get-Service SCardSvr)" : MacOS ? "the reader is plugged in" : "pcscd runs") + " and restart it if needed (" + Restart + ")."),
            [ScardError.UnknownError] = ("SCARD_F_UNKNOWN_ERROR", "The PC/SC service reported an unknown error."),
            [ScardError.InvalidAtr] = ("SCARD_E_INVALID_ATR", "The card sent an ATR that is not valid."),
            [ScardError.NotTransacted] = ("SCARD_E_NOT_TRANSACTED", "The reader could not complete the exchange with the card; reinsert the card."),
            [ScardError.ReaderUnavailable] = ("SCARD_E_READER_UNAVAILABLE", "The reader is not available (unplugged or its driver failed); reconnect it."),
            [ScardError.Shutdown] = ("SCARD_P_SHUTDOWN", "The operation was aborted because the PC/SC service is shutting down."),
            [ScardError.PciTooSmall] = ("SCARD_E_PCI_TOO_SMALL", "The PCI receive buffer was too small."),
            [ScardError.ReaderUnsupported] = ("SCARD_E_READER_UNSUPPORTED", "The reader driver does not meet the requirements for this operation."),
            [ScardError.DuplicateReader] = ("SCARD_E_DUPLICATE_READER", "The reader driver did not produce a unique reader name."),
            [ScardError.CardUnsupported] = ("SCARD_E_CARD_UNSUPPORTED", "The card is not supported for this operation."),
            [ScardError.NoService] = ("SCARD_E_NO_SERVICE", Service + " is not running. Start it (" + Start + ") and retry."),
            [ScardError.ServiceStopped] = ("SCARD_E_SERVICE_STOPPED", Windows ? "The Smart Card service (SCardSvr) stopped (Windows stops it when the last reader is removed); retry once a reader is attached, or start it (" + Start + ")." : "The PC/SC service stopped; retry, and start it if needed (" + Start + ")."),
            [ScardError.Unexpected] = ("SCARD_E_UNEXPECTED", "The PC/SC service reported an unexpected condition (pcsc-lite also uses this code for an unsupported feature)."),
            [ScardError.IccInstallation] = ("SCARD_E_ICC_INSTALLATION", "No primary provider is known for the card."),
            [ScardError.IccCreateOrder] = ("SCARD_E_ICC_CREATEORDER", "The requested order of object creation is not supported."),
            [ScardError.UnsupportedFeature] = ("SCARD_E_UNSUPPORTED_FEATURE", "The reader or card does not support this feature."),
            [ScardError.DirNotFound] = ("SCARD_E_DIR_NOT_FOUND", "The directory does not exist on the card."),
            [ScardError.FileNotFound] = ("SCARD_E_FILE_NOT_FOUND", "The file does not exist on the card."),
            [ScardError.NoDir] = ("SCARD_E_NO_DIR", "The path does not name a directory on the card."),
            [ScardError.NoFile] = ("SCARD_E_NO_FILE", "The path does not name a file on the card."),
            [ScardError.NoAccess] = ("SCARD_E_NO_ACCESS", "Access to the file on the card is denied."),
            [ScardError.WriteTooMany] = ("SCARD_E_WRITE_TOO_MANY", "The card cannot take more data."),
            [ScardError.BadSeek] = ("SCARD_E_BAD_SEEK", "Setting the card's file pointer failed."),
            [ScardError.InvalidChv] = ("SCARD_E_INVALID_CHV", "The PIN is wrong."),
            [ScardError.UnknownResMng] = ("SCARD_E_UNKNOWN_RES_MNG", "The resource manager returned an unrecognized error."),
            [ScardError.NoSuchCertificate] = ("SCARD_E_NO_SUCH_CERTIFICATE", "The requested certificate does not exist."),
            [ScardError.CertificateUnavailable] = ("SCARD_E_CERTIFICATE_UNAVAILABLE", "The requested certificate could not be obtained."),
            [ScardError.NoReadersAvailable] = ("SCARD_E_NO_READERS_AVAILABLE", "No smart-card reader is connected; plug one in (and install its driver, e.g. the ccid package)."),
            [ScardError.CommDataLost] = ("SCARD_E_COMM_DATA_LOST", "Data was lost in communication with the card; retry."),
            [ScardError.NoKeyContainer] = ("SCARD_E_NO_KEY_CONTAINER", "The key container does not exist on the card."),
            [ScardError.ServerTooBusy] = ("SCARD_E_SERVER_TOO_BUSY", "The PC/SC service is too busy; retry later."),
            [ScardError.UnsupportedCardWarning] = ("SCARD_W_UNSUPPORTED_CARD", "The reader cannot talk to this card: its ATR is not supported."),
            [ScardError.UnresponsiveCard] = ("SCARD_W_UNRESPONSIVE_CARD", "The card does not respond to a reset; reinsert it, or check it is inserted the right way round."),
            [ScardError.UnpoweredCard] = ("SCARD_W_UNPOWERED_CARD", "The card has no power; reconnect to power it."),
            [ScardError.ResetCard] = ("SCARD_W_RESET_CARD", "The card was reset by another program; reconnect."),
            [ScardError.RemovedCard] = ("SCARD_W_REMOVED_CARD", "The card was removed; insert it again."),
            [ScardError.SecurityViolation] = ("SCARD_W_SECURITY_VIOLATION", "Access was denied because of a security violation."),
            [ScardError.WrongChv] = ("SCARD_W_WRONG_CHV", "The PIN is wrong."),
            [ScardError.ChvBlocked] = ("SCARD_W_CHV_BLOCKED", "The PIN is blocked after too many wrong tries; unblock it with the PUK."),
            [ScardError.Eof] = ("SCARD_W_EOF", "The end of the card file was reached."),
            [ScardError.CancelledByUser] = ("SCARD_W_CANCELLED_BY_USER", "The user cancelled the operation."),
            [ScardError.CardNotAuthenticated] = ("SCARD_W_CARD_NOT_AUTHENTICATED", "No PIN was presented to the card."),
            [ScardError.ErrorInvalidFunction] = ("ERROR_INVALID_FUNCTION", "The reader driver does not support this control code or attribute."),
            [ScardError.ErrorInvalidHandle] = ("ERROR_INVALID_HANDLE", "The PC/SC context or card handle is not valid (any more), usually because the Smart Card service (SCardSvr) restarted; retry, and start it if needed ('Start-Service SCardSvr' as administrator)."),
            [ScardError.ErrorNotSupported] = ("ERROR_NOT_SUPPORTED", "The reader or its driver does not support this request."),
            [ScardError.ErrorBrokenPipe] = ("ERROR_BROKEN_PIPE", "The connection to the Smart Card service (SCardSvr) broke: the service stopped or restarted; retry, and start it if needed ('Start-Service SCardSvr' as administrator)."),
            [ScardError.ErrorInsufficientBuffer] = ("ERROR_INSUFFICIENT_BUFFER", "The buffer for the answer was too small; retry (the reader list changed while it was read)."),
        };

        /// <summary>The SCARD_* (or Win32 ERROR_*) name, or the hex value for a code no header defines.</summary>
        public static string NameOf(ScardError code) =>
            Table.TryGetValue(code, out var e) ? e.Name : $"0x{(uint)code:X8}";

        /// <summary>A sentence a person can act on.</summary>
        public static string DescriptionOf(ScardError code) =>
            Table.TryGetValue(code, out var e) ? e.Text : "The PC/SC service returned an undocumented error code.";
    }
}
