using System.Linq;
using SmartCardPS.Atr;

namespace SmartCardPS.Tests.Atr
{
    /// <summary>Builds test ATRs: hex text, and a TCK appended so the vectors stay about the field under test.</summary>
    internal static class AtrVectors
    {
        public static byte[] Bytes(string hex) => AtrText.ParseHex(hex);

        public static byte[] WithTck(string hex)
        {
            var b = Bytes(hex);
            byte x = 0;
            for (int i = 1; i < b.Length; i++) x ^= b[i];
            return b.Concat(new[] { x }).ToArray();
        }

        public static AnswerToReset Parse(string hex) => AtrParser.Parse(Bytes(hex));

        public static AnswerToReset ParseWithTck(string hex) => AtrParser.Parse(WithTck(hex));
    }
}
