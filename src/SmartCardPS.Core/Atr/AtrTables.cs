using System.Globalization;

namespace SmartCardPS.Atr
{
    /// <summary>The value tables of ISO/IEC 7816-3 (2006) section 8.3 that the ATR codes index into.</summary>
    internal static class AtrTables
    {
        // Index = Fi code (TA1 high nibble); 0 marks RFU.
        private static readonly int[] FiTable = { 372, 372, 558, 744, 1116, 1488, 1860, 0, 0, 512, 768, 1024, 1536, 2048, 0, 0 };
        private static readonly double[] FMaxTable = { 4, 5, 6, 8, 12, 16, 20, 0, 0, 5, 7.5, 10, 15, 20, 0, 0 };

        // Index = Di code (TA1 low nibble); 0 marks RFU. Code 7 (Di = 64) was RFU before the 2006 edition.
        private static readonly int[] DiTable = { 0, 1, 2, 4, 8, 16, 32, 64, 12, 20, 0, 0, 0, 0, 0, 0 };

        public const int DefaultFi = 372;
        public const int DefaultDi = 1;
        public const double DefaultFMax = 5;

        public static int? Fi(int code) => FiTable[code] == 0 ? (int?)null : FiTable[code];
        public static double? FMax(int code) => FMaxTable[code] == 0 ? (double?)null : FMaxTable[code];
        public static int? Di(int code) => DiTable[code] == 0 ? (int?)null : DiTable[code];

        public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

        /// <summary>ISO/IEC 7816-4 life cycle status byte.</summary>
        public static string LifeCycle(byte lcs)
        {
            if (lcs >= 0x10) return "proprietary";
            switch (lcs)
            {
                case 0x00: return "no information given";
                case 0x01: return "creation state";
                case 0x03: return "initialisation state";
                case 0x05:
                case 0x07: return "operational state (activated)";
                case 0x04:
                case 0x06: return "operational state (deactivated)";
                case 0x0C:
                case 0x0D:
                case 0x0E:
                case 0x0F: return "termination state";
                default: return "RFU";
            }
        }
    }
}
