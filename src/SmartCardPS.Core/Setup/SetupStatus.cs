namespace SmartCardPS.Setup
{
    /// <summary>The outcome of a setup check. Strings, so JSON and remote sessions show the word.</summary>
    public static class SetupStatus
    {
        public const string Pass = "Pass";
        public const string Warn = "Warn";
        public const string Fail = "Fail";

        /// <summary>The check does not apply here; Detail says why.</summary>
        public const string Skip = "Skip";
    }
}
