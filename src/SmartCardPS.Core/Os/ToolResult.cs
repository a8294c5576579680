namespace SmartCardPS.Os
{
    /// <summary>What a system tool (systemctl, udevadm) printed and returned.</summary>
    public sealed class ToolResult
    {
        public int ExitCode { get; set; }
        public string Stdout { get; set; } = "";
        public string Stderr { get; set; } = "";
        public bool Ok => ExitCode == 0;
    }
}
