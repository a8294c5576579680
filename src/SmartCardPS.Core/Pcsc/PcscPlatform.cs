using System.Runtime.InteropServices;
using SmartCardPS.Interop.Linux;
using SmartCardPS.Interop.MacOS;
using SmartCardPS.Interop.Windows;
using SmartCardPS.Interop;

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
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return new WinSCardApi();
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return new MacPcscApi();
            return new PcscLiteApi();
        }
    }
}
