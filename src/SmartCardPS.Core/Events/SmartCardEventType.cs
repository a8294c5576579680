namespace SmartCardPS.Events
{
    /// <summary>What happened to a reader or the card in it.</summary>
    public enum SmartCardEventType
    {
        ReaderAdded,
        ReaderRemoved,
        CardInserted,
        CardRemoved,
    }
}
