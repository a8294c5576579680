using System;

namespace SmartCardPS.Interop
{
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
}
