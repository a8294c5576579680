using System;

namespace SmartCardPS.Setup
{
    /// <summary>One finding of Test-SmartCardSetup: what was checked, how it went, what was found and how to fix it.</summary>
    public sealed class SetupCheck
    {
        public SetupCheck() { }

        public SetupCheck(string name, string status, string detail, string remedy = null)
        {
            Name = name;
            Status = status;
            Detail = detail;
            Remedy = remedy;
        }

        public string Name { get; set; }

        /// <summary>Pass, Warn, Fail or Skip (<see cref="SetupStatus"/>).</summary>
        public string Status { get; set; }

        public string Detail { get; set; }

        /// <summary>The command or file change that fixes it on this platform; null when nothing needs fixing.</summary>
        public string Remedy { get; set; }

        /// <summary>How long its check ran (all results of one check share it), including waits for facts other checks gather.</summary>
        public TimeSpan Elapsed { get; set; }

        public override string ToString() => $"{Status} {Name}: {Detail}";
    }
}
