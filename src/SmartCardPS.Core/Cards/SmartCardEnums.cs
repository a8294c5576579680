using System;

namespace SmartCardPS.Cards
{
    /// <summary>SCARD_SHARE_*: who else may use the card while this connection is open.</summary>
    public enum SmartCardShareMode
    {
        Exclusive = 1,
        Shared = 2,
        /// <summary>Talks to the reader itself (SCardControl, attributes), with or without a card.</summary>
        Direct = 3,
    }

    /// <summary>SCARD_PROTOCOL_* as pcsc-lite numbers them (Windows' RAW is translated by its implementation).</summary>
    [Flags]
    public enum SmartCardProtocol
    {
        None = 0,
        T0 = 1,
        T1 = 2,
        Any = T0 | T1,
        Raw = 4,
    }

    /// <summary>SCARD_LEAVE_CARD … SCARD_EJECT_CARD: what happens to the card when a connection or transaction ends.</summary>
    public enum SmartCardDisposition
    {
        Leave = 0,
        Reset = 1,
        Unpower = 2,
        Eject = 3,
    }
}
