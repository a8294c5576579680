using System.Collections.Generic;

namespace SmartCardPS.Nss
{
    /// <summary>The SecurityDevices policy of a policies.json, as Set-FirefoxSecurityDevicePolicy leaves it.</summary>
    public sealed class FirefoxSecurityDevicePolicy
    {
        public string PolicyPath { get; set; }

        /// <summary>Modules Firefox loads into every profile: name → library.</summary>
        public Dictionary<string, string> Add { get; set; } = new Dictionary<string, string>();

        /// <summary>Module names Firefox removes from every profile.</summary>
        public string[] Delete { get; set; } = new string[0];
    }
}
