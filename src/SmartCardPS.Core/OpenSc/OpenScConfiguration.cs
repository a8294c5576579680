namespace SmartCardPS.OpenSc
{
    /// <summary>
    /// What OpenSC reads from its configuration file: the <c>app default</c> block's debug settings and its
    /// <c>reader_driver pcsc</c> settings, with OpenSC's defaults where the file says nothing.
    /// </summary>
    public sealed class OpenScConfiguration
    {
        public string Path { get; set; }
        public bool Exists { get; set; }

        /// <summary>Whether OpenSC asks the reader's PIN pad for the PIN (default true); the ArchWiki says false when the reader has none.</summary>
        public bool EnablePinPad { get; set; } = true;

        /// <summary>Whether enable_pinpad is written in the file, rather than OpenSC's default.</summary>
        public bool EnablePinPadSet { get; set; }

        public bool EnablePace { get; set; } = true;
        public bool ConnectExclusive { get; set; }
        public string DisconnectAction { get; set; } = "leave";
        public string TransactionEndAction { get; set; } = "leave";
        public string ReconnectAction { get; set; } = "leave";
        public int Debug { get; set; }
        public string DebugFile { get; set; }

        public override string ToString() => Path;
    }
}
