namespace SmartCardPS.Clients
{
    /// <summary>
    /// A process connected to the PC/SC service: who it is and how many connections it holds (pcsc-lite opens one
    /// per context, so a program holding a card has at least one). Plain values, so it survives JSON and remoting.
    /// </summary>
    public sealed class PcscClient
    {
        public int ProcessId { get; set; }

        /// <summary>The kernel's name for the process (/proc/PID/comm), as ps and Get-Process show it.</summary>
        public string ProcessName { get; set; }

        /// <summary>Its arguments joined by spaces, as the process set them (untrusted text: escape it before showing).</summary>
        public string CommandLine { get; set; }

        public string User { get; set; }

        public int Connections { get; set; }

        /// <summary>This PowerShell process itself (its own contexts and connections).</summary>
        public bool IsCurrentProcess { get; set; }
    }
}
