namespace SmartCardPS.Pcsc
{
    /// <summary>
    /// A card reset by a script's reset line, and the ATR it answered with, as scriptor prints "OK: &lt;ATR&gt;": the
    /// reset shows among the responses, so what follows it is read knowing the card started afresh.
    /// </summary>
    public sealed class CardReset
    {
        public CardReset() { }

        public CardReset(string reader, string atr)
        {
            Reader = reader;
            Atr = atr;
        }

        public string Reader { get; set; }

        /// <summary>The ATR after the reset, in hex.</summary>
        public string Atr { get; set; }

        public override string ToString() => "OK: " + Atr;
    }
}
