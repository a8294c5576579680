using SmartCardPS.Interop.Linux;
using SmartCardPS.Interop.MacOS;
using SmartCardPS.Interop.Windows;
using SmartCardPS.Interop;
using SmartCardPS.Os;

namespace SmartCardPS.Pcsc
{
    /// <summary>Picks the PC/SC implementation for the running OS once.</summary>
    internal static class PcscPlatform
    {
        public static IPcscApi Api { get; } = Create();

        /// <summary>The name of the pseudo-reader whose state changes when readers are added or removed.</summary>
        public const string PnpNotificationReader = @"\\?PnP?\Notification";

        private static IPcscApi Create()
        {
            if (RunningOs.IsWindows) return new WinSCardApi();
            if (RunningOs.IsMacOS) return new MacPcscApi();
            return new PcscLiteApi();
        }
    }
}
