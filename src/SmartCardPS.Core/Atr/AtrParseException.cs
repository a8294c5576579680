using System;
using SmartCardPS.Text;

namespace SmartCardPS.Atr
{
    /// <summary>The one exception of the ATR domain: the input cannot be decoded at all.</summary>
    public sealed class AtrParseException : Exception
    {
        public AtrParseException(AtrParseReason reason, int offset, string message) : base(message)
        {
            Reason = reason;
            Offset = offset;
        }

        public AtrParseReason Reason { get; }

        /// <summary>The same error, saying what smartcard_list.txt calls the answer (memory cards answer without a valid TS).</summary>
        internal AtrParseException Naming(string cardName) =>
            new AtrParseException(Reason, Offset, $"{Message} smartcard_list.txt names it {UntrustedText.Quote(cardName)} (a memory card or a non-ISO answer).");

        /// <summary>Index of the offending byte (or, for text errors, character); -1 when the input as a whole is wrong.</summary>
        public int Offset { get; }
    }
}
