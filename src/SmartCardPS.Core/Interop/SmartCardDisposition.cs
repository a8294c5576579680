namespace SmartCardPS.Interop
{
    /// <summary>SCARD_LEAVE_CARD … SCARD_EJECT_CARD: what happens to the card when a connection or transaction ends.</summary>
    public enum SmartCardDisposition
    {
        Leave = 0,
        Reset = 1,
        Unpower = 2,
        Eject = 3,
    }
}
