using System;

namespace SmartCardPS.Connections
{
    /// <summary>A wildcard that names more than one reader where one is needed.</summary>
    public sealed class AmbiguousReaderException : ArgumentException
    {
        public AmbiguousReaderException(string message) : base(message) { }
    }
}
