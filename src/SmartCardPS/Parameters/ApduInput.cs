using SmartCardPS.Iso7816;
using SmartCardPS.Text;

namespace SmartCardPS.Parameters
{
    /// <summary>
    /// One APDU as Send-SmartCardApdu receives it: the command, or why the input is not one, and the input as the
    /// user wrote it (the target of the error). Made by <see cref="ApduInputTransformationAttribute"/>, which reads
    /// text as hex through <see cref="Hex.Read"/>, as <see cref="AtrInput"/> does for ATRs, so the cmdlet never
    /// parses text.
    /// </summary>
    public sealed class ApduInput
    {
        private ApduInput(CommandApdu command, string text, ApduFormatException error)
        {
            Command = command;
            this.text = text;
            Error = error;
        }

        private readonly string text;

        /// <summary>The command; null when <see cref="Error"/> says why there is none.</summary>
        public CommandApdu Command { get; }

        public ApduFormatException Error { get; }

        /// <summary>The input as written: the text, or the bytes as hex.</summary>
        public string Text => text;

        internal static ApduInput FromBytes(byte[] bytes) => From(() => CommandApdu.FromBytes(bytes), Hex.Format(bytes));

        /// <summary>Hex text, read by <see cref="Hex.Read"/> (<see cref="CommandApdu.Parse"/>).</summary>
        internal static ApduInput FromText(string text) => From(() => CommandApdu.Parse(text), text);

        private static ApduInput From(System.Func<CommandApdu> read, string text)
        {
            try
            {
                return new ApduInput(read(), text, null);
            }
            catch (ApduFormatException ex)
            {
                return new ApduInput(null, text, ex);
            }
        }

        public override string ToString() => Text;
    }
}
