using System;
using System.Linq;
using System.Text;
using SmartCardPS.Atr;
using SmartCardPS.Text;
using Xunit;

namespace SmartCardPS.Tests.Atr
{
    /// <summary>Random input never raises anything but the typed parse error, and what decodes is self-consistent.</summary>
    public class AtrFuzzTests
    {
        private const int Iterations = 100_000;

        private static readonly AtrDatabase Database = AtrDatabase.FromFile(SmartcardList.InstalledPath);

        [Fact]
        public void RandomByteStrings()
        {
            var rng = new Random(20061);
            int decoded = 0;
            for (int i = 0; i < Iterations; i++)
            {
                var bytes = new byte[rng.Next(0, 40)];
                rng.NextBytes(bytes);
                // Mostly valid TS values, so the fuzzing reaches the interface and historical bytes.
                if (bytes.Length > 0 && rng.Next(10) > 0) bytes[0] = rng.Next(2) == 0 ? (byte)0x3B : (byte)0x3F;
                if (Decode(bytes)) decoded++;
            }
            Assert.True(decoded > Iterations / 10, $"only {decoded} decoded");
        }

        [Fact]
        public void RandomText()
        {
            var rng = new Random(78164);
            const string alphabet = "0123456789abcdefABCDEF  ::\t\n-xXgG,;.\u00e9\u0000\u200b";
            int decoded = 0;
            var sb = new StringBuilder();
            for (int i = 0; i < Iterations; i++)
            {
                sb.Clear();
                int n = rng.Next(0, 90);
                for (int k = 0; k < n; k++)
                {
                    int pick = rng.Next(100);
                    sb.Append(pick < 90 ? alphabet[rng.Next(22)] : pick < 98 ? alphabet[rng.Next(alphabet.Length)] : (char)rng.Next(0xD800));
                }
                if (rng.Next(4) > 0) sb.Insert(0, "3B ");
                byte[] bytes;
                try
                {
                    bytes = AtrText.ParseHex(sb.ToString());
                }
                catch (AtrParseException ex)
                {
                    Assert.True(Enum.IsDefined(typeof(AtrParseReason), ex.Reason));
                    Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                    continue;
                }
                if (Decode(bytes)) decoded++;
            }
            Assert.True(decoded > 0);
        }

        private static bool Decode(byte[] bytes)
        {
            AnswerToReset r;
            try
            {
                r = Database.Decode(bytes);
            }
            catch (AtrParseException ex)
            {
                Assert.True(ex.Offset >= -1 && ex.Offset <= Math.Max(bytes.Length, AtrText.MaxAtrLength));
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                return false;
            }
            Assert.Equal(Hex.Format(bytes), r.Atr);
            Assert.Equal(bytes, r.Bytes);
            Assert.Equal(r.InterfaceBytes.Select(b => b.Offset), Enumerable.Range(2, r.InterfaceBytes.Length));
            Assert.NotEmpty(r.Protocols);
            Assert.True(r.CheckByteValid == (r.CheckByteRequired ? r.CheckByte == r.ExpectedCheckByte : true));
            Assert.NotNull(r.Problems);
            Assert.Equal(r.CardName, r.Identification.FirstOrDefault()?.Descriptions[0]);
            return true;
        }
    }
}
