using System;

namespace SmartCardPS.Pkcs11
{
    /// <summary>One signature a private key made on its token and whether its public key verified it outside the token.</summary>
    public sealed class Pkcs11KeyTestResult
    {
        /// <summary>The private key's label.</summary>
        public string Key { get; set; }
        public string KeyUri { get; set; }
        public string Token { get; set; }

        /// <summary>The CKM_ name; empty when the key was skipped before any mechanism.</summary>
        public string Mechanism { get; set; }

        /// <summary>Pass, Fail or Skipped (<see cref="Pkcs11KeyTestStatus"/>); a string, as SetupCheck's, so ConvertTo-Json writes the word.</summary>
        public string Status { get; set; }

        /// <summary>What was verified with which public key, or why it failed or was skipped.</summary>
        public string Detail { get; set; }

        /// <summary>C_Sign and the verification together.</summary>
        public TimeSpan Elapsed { get; set; }
    }
}
