using System;
using System.Collections.Generic;
using System.IO;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.Udev
{
    /// <summary>
    /// Installs a udev rule: <see cref="Prepare"/> checks it and compares it with what is installed, without writing;
    /// <see cref="Install"/> writes it atomically, has udev read it (`udevadm test`), puts the previous file back when
    /// udev complains, then reloads udevd and replays the subsystem's devices.
    /// </summary>
    public sealed class UdevRuleInstaller
    {
        private readonly string udevadm;

        /// <summary>An installer using the machine's udevadm, if it has one.</summary>
        public UdevRuleInstaller() : this(Udevadm.Find()) { }

        /// <summary>An installer using <paramref name="udevadm"/>; null when udevadm is not installed, so rules are
        /// written but neither checked nor applied.</summary>
        public UdevRuleInstaller(string udevadm)
        {
            this.udevadm = udevadm;
        }

        /// <summary>
        /// Names the file (PRIORITY-NAME.rules in <paramref name="directory"/>, or in /etc/udev/rules.d when null),
        /// checks the rule and reads what the file holds now. Writes nothing. Throws <see cref="UdevRuleException"/>
        /// for a group this machine lacks or a file with other content (both unless <paramref name="force"/>) and for
        /// a rule that would not read back as its values; IOException or UnauthorizedAccessException when the file
        /// cannot be read.
        /// </summary>
        public UdevRuleInstallPlan Prepare(UdevRule rule, string directory, int priority, bool force)
        {
            string noGroup = force ? null : UdevGroup.Problem(rule.Group);
            if (noGroup != null) throw new UdevRuleException(UdevRuleFailure.GroupNotFound, noGroup, rule.Group);
            directory = directory ?? UdevRule.UdevDirectories[0];
            rule.Path = Path.Combine(directory, $"{priority:D2}-{rule.Name}.rules");
            string content;
            try
            {
                content = rule.VerifiedFileContent();
            }
            catch (InvalidDataException ex)
            {
                throw new UdevRuleException(UdevRuleFailure.InvalidRule, ex.Message, rule.Path, ex);
            }
            string previous = SafeFile.ReadText(rule.Path);
            if (previous != null && previous != content && !force)
            {
                throw new UdevRuleException(UdevRuleFailure.FileExists,
                    $"{UntrustedText.Escape(rule.Path)} exists with other content; nothing was changed. " +
                    "Use -Force to replace it.",
                    rule.Path);
            }
            var warnings = new List<string>();
            if (rule.WorldWritable)
            {
                warnings.Add($"MODE=\"{rule.Mode}\" lets every user on this machine read and write the reader; " +
                    "prefer -Mode 0660 with -Group.");
            }
            if (rule.Serial == null)
            {
                warnings.Add($"Without -Serial the rule matches every USB adapter {rule.VendorId}:{rule.ProductId}, " +
                    "not only this reader.");
            }
            return new UdevRuleInstallPlan(rule, directory, content, previous, force, warnings);
        }

        /// <summary>
        /// Writes the planned file (unless it already holds the rule) and, in a directory udev reads, has udev check
        /// and apply it; what could not be done is said through <paramref name="warn"/> and the rule's Validated and
        /// Applied. Throws <see cref="UdevRuleException"/> (InvalidRule) when udev complains about the file, after
        /// putting back what it held; IOException or UnauthorizedAccessException when it cannot be written.
        /// </summary>
        public UdevRule Install(UdevRuleInstallPlan plan, Action<string> warn)
        {
            UdevRule rule = plan.Rule;
            if (plan.Previous != plan.Content) UdevRule.WriteFile(rule.Path, plan.Content, plan.Force);
            if (!UdevRule.IsUdevDirectory(plan.Directory))
            {
                warn($"udev does not read {UntrustedText.Escape(plan.Directory)}, so the rule was not checked and " +
                    $"takes no effect there; udev reads {string.Join(", ", UdevRule.UdevDirectories)}.");
                return rule;
            }
            if (udevadm == null)
            {
                warn("udevadm is not installed, so the rule was neither checked nor applied.");
                return rule;
            }
            Check(plan);
            Apply(rule, warn);
            return rule;
        }

        // udevadm 252 has no verify command and exits 0 for rule errors: its stderr names the file and line.
        private void Check(UdevRuleInstallPlan plan)
        {
            UdevRule rule = plan.Rule;
            List<string> problems = UdevRule.ProblemsIn(Udevadm.Test(udevadm, rule.Subsystem).Stderr, rule.Path);
            if (problems.Count == 0)
            {
                rule.Validated = true;
                return;
            }
            // udev would run with a broken rule: put back what was there.
            if (plan.Previous == null) File.Delete(rule.Path);
            else UdevRule.WriteFile(rule.Path, plan.Previous, plan.Force);
            throw new UdevRuleException(UdevRuleFailure.InvalidRule,
                $"udev rejects {UntrustedText.Escape(rule.Path)}: {string.Join("; ", problems)}. " +
                "The previous state was restored.",
                rule.Path);
        }

        // Without udevd (a container, a chroot, an image being built) the rule applies when udev next starts.
        private void Apply(UdevRule rule, Action<string> warn)
        {
            ToolResult reload = Udevadm.Reload(udevadm);
            if (!reload.Ok)
            {
                warn($"udevd did not reload its rules ({reload.Stderr.Trim()}); the rule applies when udev next " +
                    "starts, or run: sudo udevadm control --reload && " +
                    $"sudo udevadm trigger --subsystem-match={rule.Subsystem}");
                return;
            }
            ToolResult trigger = Udevadm.Trigger(udevadm, rule.Subsystem);
            if (!trigger.Ok)
            {
                warn($"udevadm trigger failed ({trigger.Stderr.Trim()}); replug the reader to apply the rule.");
            }
            rule.Applied = trigger.Ok;
        }
    }
}
