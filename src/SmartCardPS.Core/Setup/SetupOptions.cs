
namespace SmartCardPS.Setup
{
    /// <summary>What the user asked for.</summary>
    public sealed class SetupOptions
    {
        public bool RequireReader { get; set; }
        public bool RequireCard { get; set; }
        public bool RequireToken { get; set; }
    }
}
