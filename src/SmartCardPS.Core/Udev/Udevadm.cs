using System.IO;
using System.Linq;
using SmartCardPS.Os;

namespace SmartCardPS.Udev
{
    /// <summary>Runs udevadm: test a rules file, reload udevd, replay devices.</summary>
    public static class Udevadm
    {
        public static string Find() =>
            new[] { "/usr/bin/udevadm", "/bin/udevadm", "/usr/sbin/udevadm", "/sbin/udevadm" }.FirstOrDefault(File.Exists);

        /// <summary>Runs `udevadm test` for a device of <paramref name="subsystem"/>, which makes udev read every rules file.</summary>
        public static ToolResult Test(string udevadm, string subsystem)
        {
            string device = FirstEntry("/sys/class/" + subsystem) ?? FirstEntry("/sys/class/mem") ?? "/sys/devices/virtual/mem/null";
            return Run(udevadm, "test --action=add " + device);
        }

        private static string FirstEntry(string directory) =>
            Directory.Exists(directory) ? Directory.GetFileSystemEntries(directory).OrderBy(e => e, System.StringComparer.Ordinal).FirstOrDefault() : null;

        public static ToolResult Reload(string udevadm) => Run(udevadm, "control --reload");

        public static ToolResult Trigger(string udevadm, string subsystem) => Run(udevadm, "trigger --action=add --subsystem-match=" + subsystem);

        private static ToolResult Run(string file, string arguments) => ToolRunner.Run(file, arguments);
    }
}
