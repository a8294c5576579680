using System.Collections.Generic;
using SmartCardPS.Text;

namespace SmartCardPS.Udev
{
    /// <summary>
    /// A rule <see cref="UdevRuleInstaller.Prepare"/> found fit to write, with what it would replace: the caller asks
    /// for confirmation with <see cref="Target"/> and <see cref="Action"/>, shows <see cref="Warnings"/>, and only
    /// then hands it to <see cref="UdevRuleInstaller.Install"/>.
    /// </summary>
    public sealed class UdevRuleInstallPlan
    {
        internal UdevRuleInstallPlan(UdevRule rule, string directory, string content, string previous, bool force,
            IReadOnlyList<string> warnings)
        {
            Rule = rule;
            Directory = directory;
            Content = content;
            Previous = previous;
            Force = force;
            Warnings = warnings;
        }

        public UdevRule Rule { get; }

        /// <summary>The directory the rule goes in, as given (udev checks only files in its own directories).</summary>
        public string Directory { get; }

        /// <summary>The file's content, read back and found to say what the rule's values say.</summary>
        public string Content { get; }

        /// <summary>What the file holds now, put back if udev rejects the rule; null when there is no file.</summary>
        public string Previous { get; }

        /// <summary>Whether a read-only file, or a directory another user can write, may be written anyway.</summary>
        public bool Force { get; }

        /// <summary>What the rule lets through that the caller may not mean (every user, every adapter).</summary>
        public IReadOnlyList<string> Warnings { get; }

        /// <summary>The ShouldProcess target: the rules file, escaped.</summary>
        public string Target => UntrustedText.Escape(Rule.Path);

        /// <summary>The ShouldProcess action: the rule line.</summary>
        public string Action => "Write the udev rule " + Rule.Rule;
    }
}
