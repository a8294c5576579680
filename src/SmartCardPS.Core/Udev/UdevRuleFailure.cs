namespace SmartCardPS.Udev
{
    /// <summary>Why <see cref="UdevRuleInstaller"/> refused or undid a rule; the cmdlet's error id ends in
    /// it.</summary>
    public enum UdevRuleFailure
    {
        /// <summary>The rule's group does not exist on this machine (and the caller did not force it).</summary>
        GroupNotFound,

        /// <summary>The rule would not read back as its values, or udev complained about the file.</summary>
        InvalidRule,

        /// <summary>The rules file exists with other content (and the caller did not force it).</summary>
        FileExists,
    }
}
