using System;
using System.Collections.Generic;
using System.Linq;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.Udev
{
    /// <summary>A udev rule giving a USB smart-card reader (a serial Smargo/Phoenix adapter, or a CCID reader) a group, mode and name.</summary>
    public sealed class UdevRule
    {
        /// <summary>Where udev reads rules from; a rule anywhere else has no effect.</summary>
        public static readonly string[] UdevDirectories = { "/etc/udev/rules.d", "/run/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d", "/usr/local/lib/udev/rules.d" };

        public string Name { get; set; }
        public string Path { get; set; }
        public string Subsystem { get; set; } = "tty";
        public string VendorId { get; set; }
        public string ProductId { get; set; }
        public string Serial { get; set; }
        public string Group { get; set; }
        public string Mode { get; set; }
        public string Symlink { get; set; }

        /// <summary>The rule line as written.</summary>
        public string Rule { get; set; }

        /// <summary>Whether udevadm test read the file without complaint.</summary>
        public bool Validated { get; set; }

        /// <summary>Whether udevd reloaded its rules and replayed the devices, so the rule applies now.</summary>
        public bool Applied { get; set; }

        /// <summary>The /dev name the symlink gives the device.</summary>
        public string DevicePath => string.IsNullOrEmpty(Symlink) ? null : "/dev/" + Symlink;

        /// <summary>Whether the mode lets every user write the device, as the ArchWiki's MODE="0666" does.</summary>
        public bool WorldWritable => Mode != null && (Convert.ToInt32(Mode, 8) & 2) != 0;

        /// <summary>The rule's pairs in the order they are written.</summary>
        public List<UdevAssignment> Assignments()
        {
            var pairs = new List<UdevAssignment>
            {
                new UdevAssignment("SUBSYSTEM", "==", Subsystem),
                new UdevAssignment("ATTRS{idVendor}", "==", VendorId.ToLowerInvariant()),
                new UdevAssignment("ATTRS{idProduct}", "==", ProductId.ToLowerInvariant()),
            };
            if (!string.IsNullOrEmpty(Serial)) pairs.Add(new UdevAssignment("ATTRS{serial}", "==", Serial));
            if (!string.IsNullOrEmpty(Group)) pairs.Add(new UdevAssignment("GROUP", "=", Group));
            if (!string.IsNullOrEmpty(Mode)) pairs.Add(new UdevAssignment("MODE", "=", Mode));
            if (!string.IsNullOrEmpty(Symlink)) pairs.Add(new UdevAssignment("SYMLINK", "+=", Symlink));
            return pairs;
        }

        public string Render()
        {
            Rule = string.Join(", ", Assignments());
            return Rule;
        }

        private string Comment => "# Written by SmartCardPS (New-SmartCardUdevRule) for " + Name + ".";

        /// <summary>The file's content: a comment saying where it came from, then the rule.</summary>
        public string FileContent() => Comment + "\n" + Render() + "\n";

        /// <summary>
        /// The file's content once it has been read back (the comment, then the rule line through
        /// <see cref="UdevRuleLine"/>) and found to say exactly what the fields say, and the file's name (made from
        /// -Name) holds no control character.
        /// The fields are checked before this (<see cref="UdevFields"/>); this is the belt to those braces, so that no
        /// value that slipped past them can add a line or a key to a file udev runs as root. Throws
        /// InvalidDataException, before anything is written, when they differ.
        /// </summary>
        public string VerifiedFileContent()
        {
            string content = FileContent();
            string[] lines = content.Split('\n');
            List<UdevAssignment> read = lines.Length == 3 ? UdevRuleLine.Parse(lines[1]) : null;
            bool same = read != null && lines[0] == Comment && !lines[0].Any(ConfigValue.IsControl) && lines[2].Length == 0
                && read.SequenceEqual(Assignments()) && !System.IO.Path.GetFileName(Path ?? "").Any(ConfigValue.IsControl);
            if (!same)
            {
                throw new System.IO.InvalidDataException(
                    $"The rule {UntrustedText.Quote(content)} would not read back as the values given; nothing was written to {UntrustedText.Quote(Path)}.");
            }
            return content;
        }

        /// <summary>
        /// Writes a rules file (or puts back what it held) atomically: udev reads the directory at any moment and must
        /// never find half a rule. A new file is 0644, in directories made as needed; a replaced one keeps its mode.
        /// </summary>
        public static void WriteFile(string path, string content, bool force = false) => AtomicFile.WriteText(path, content, NewFile.Config.WithForce(force));

        public static bool IsUdevDirectory(string directory) =>
            UdevDirectories.Any(d => PathComparison.Same(directory, d));

        /// <summary>
        /// The complaints about <paramref name="rulesFile"/> in `udevadm test` stderr ("FILE:LINE message"). udevadm
        /// 252 has no verify command and exits 0 for rule errors, so these lines are the only signal.
        /// </summary>
        public static List<string> ProblemsIn(string udevadmStderr, string rulesFile)
        {
            string prefix = rulesFile + ":";
            return (udevadmStderr ?? "").Split('\n').Select(l => l.TrimEnd('\r'))
                .Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
                .Select(l => l.Substring(prefix.Length)).ToList();
        }
    }
}
