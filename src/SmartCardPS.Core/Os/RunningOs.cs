using System.Runtime.InteropServices;

namespace SmartCardPS.Os
{
    /// <summary>
    /// The one place that asks which OS this process runs on: a platform difference anywhere else reads as
    /// RunningOs.IsWindows, and SourceLayoutRules keeps every other RuntimeInformation.IsOSPlatform call out.
    /// </summary>
    public static class RunningOs
    {
        public static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        public static bool IsLinux => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        /// <summary>macOS (OSPlatform.OSX).</summary>
        public static bool IsMacOS => RuntimeInformation.IsOSPlatform(OSPlatform.OSX);
    }
}
