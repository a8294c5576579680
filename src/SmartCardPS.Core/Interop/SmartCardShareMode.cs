
namespace SmartCardPS.Interop
{
    /// <summary>SCARD_SHARE_*: who else may use the card while this connection is open.</summary>
    public enum SmartCardShareMode
    {
        Exclusive = 1,
        Shared = 2,
        /// <summary>Talks to the reader itself (SCardControl, attributes), with or without a card.</summary>
        Direct = 3,
    }
}
