using System.IO;

namespace SmartCardPS.Os
{
    /// <summary>
    /// A file operation refused because it would act on a file that another user controls, or on something
    /// that is not a plain file. The message names the path (escaped) and what to do.
    /// </summary>
    public sealed class UnsafePathException : IOException
    {
        public UnsafePathException(UnsafePathReason reason, string path, string message) : base(message)
        {
            Reason = reason;
            Path = path;
        }

        public UnsafePathReason Reason { get; }

        public string Path { get; }
    }
}
