using System;
using System.Linq;
using System.Text;
using SmartCardPS.Interop;

namespace SmartCardPS.Pcsc
{
    /// <summary>What the reader itself says over a direct connection (PC/SC v2 part 10 features, vendor attributes).</summary>
    public sealed partial class SmartCardReader
    {
        /// <summary>CM_IOCTL_GET_FEATURE_REQUEST, part 10's SCARD_CTL_CODE(3400).</summary>
        internal const int GetFeatureRequest = 3400;

        private const uint AttrVendorName = 0x10100;
        private const uint AttrVendorIfdVersion = 0x10102;
        private const uint AttrVendorIfdSerialNo = 0x10103;

        /// <summary>
        /// Asks the reader for its features and vendor attributes over a direct connection, or a shared one when another
        /// program holds the reader directly. A reader that cannot be reached, or a driver that refuses SCardControl,
        /// has no features and no PIN pad: that is an answer, not a failure.
        /// </summary>
        public void ReadFeatures()
        {
            Features = new ReaderFeatureList(Array.Empty<ReaderFeature>());
            HasPinPad = false;
            SmartCardConnection connection = TryConnect(SmartCardShareMode.Direct, SmartCardProtocol.None)
                ?? (CardPresent ? TryConnect(SmartCardShareMode.Shared, SmartCardProtocol.Any) : null);
            if (connection == null) return;
            using (connection)
            {
                try
                {
                    Features = new ReaderFeatureList(ReaderFeature.Decode(connection.Control(connection.ControlCode(GetFeatureRequest), null)).ToArray());
                    HasPinPad = ReaderFeature.MeansPinPad(Features);
                }
                catch (PcscException ex) when (!ex.IsServiceUnavailable)
                {
                    // A driver that refuses the request (vpcd, most non-pinpad readers): no features, so no PIN pad.
                }
                VendorName = Text(TryAttribute(connection, AttrVendorName));
                byte[] version = TryAttribute(connection, AttrVendorIfdVersion);
                if (version != null && version.Length >= 4)
                {
                    // A little-endian DWORD 0xMMmmbbbb.
                    uint v = (uint)(version[0] | version[1] << 8 | version[2] << 16 | version[3] << 24);
                    VendorIfdVersion = $"{v >> 24}.{(v >> 16) & 0xFF}.{v & 0xFFFF}";
                }
                VendorSerialNumber = Text(TryAttribute(connection, AttrVendorIfdSerialNo));
            }
        }

        private SmartCardConnection TryConnect(SmartCardShareMode share, SmartCardProtocol protocol)
        {
            try
            {
                return SmartCardConnection.Connect(Name, share, protocol);
            }
            catch (PcscException ex) when (!ex.IsServiceUnavailable)
            {
                return null;
            }
        }

        private static byte[] TryAttribute(SmartCardConnection connection, uint attribute)
        {
            try
            {
                return connection.GetAttribute(attribute);
            }
            catch (PcscException ex) when (!ex.IsServiceUnavailable)
            {
                return null;
            }
        }

        private static string Text(byte[] bytes)
        {
            if (bytes == null) return null;
            string s = Encoding.UTF8.GetString(bytes).TrimEnd('\0', ' ');
            return s.Length == 0 ? null : s;
        }
    }
}
