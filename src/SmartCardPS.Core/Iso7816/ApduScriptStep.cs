namespace SmartCardPS.Iso7816
{
    /// <summary>One step of a scriptor script: an APDU, or a card reset.</summary>
    public sealed class ApduScriptStep
    {
        internal ApduScriptStep(int line, CommandApdu apdu)
        {
            Line = line;
            Apdu = apdu;
        }

        /// <summary>The 1-based line the step starts on.</summary>
        public int Line { get; }

        /// <summary>The command; null for a reset.</summary>
        public CommandApdu Apdu { get; }

        public bool IsReset => Apdu == null;

        /// <summary>The step as the script wrote it: the APDU in hex, or "reset".</summary>
        public override string ToString() => IsReset ? "reset" : Apdu.ToString();
    }
}
