using System;
using System.Collections.Generic;
using System.Linq;
using SmartCardPS.Atr;
using SmartCardPS.Text;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Atr
{
    /// <summary>The index against the installed smartcard_list.txt, with one regex per entry (as ATR_analysis does) as the oracle.</summary>
    public class InstalledDatabaseTests
    {
        [SkippableFact]
        public void EveryConcreteAtrIdentifiesItsOwnEntry()
        {
            Requires.Dependency(SmartcardList.Installed, "pcsc-tools' smartcard_list.txt (apt-get install pcsc-tools)");
            var db = AtrDatabase.FromFile(SmartcardList.InstalledPath);
            var concrete = SmartcardList.Read().Where(e => e.IsConcrete).ToList();
            Assert.True(concrete.Count > 1000);
            foreach (var e in concrete)
            {
                var found = db.Identify(AtrText.ParseHex(e.Pattern));
                Assert.True(e.Descriptions.All(found.Contains), e.Pattern);
            }
        }

        [SkippableFact]
        public void TheIndexAgreesWithOneRegexPerEntry()
        {
            Requires.Dependency(SmartcardList.Installed, "pcsc-tools' smartcard_list.txt (apt-get install pcsc-tools)");
            var db = AtrDatabase.FromFile(SmartcardList.InstalledPath);
            var entries = SmartcardList.Read();
            var rng = new Random(7816);
            var samples = new List<byte[]>();
            // ATRs built from the patterns themselves (wildcards filled at random), so many match several entries.
            foreach (var e in entries.Where((_, i) => i % 8 == 0)) samples.Add(Instantiate(e.Pattern, rng));
            // And near misses: one byte changed.
            foreach (var s in samples.ToList())
            {
                var m = (byte[])s.Clone();
                m[rng.Next(m.Length)] ^= (byte)(1 << rng.Next(8));
                samples.Add(m);
            }
            int matched = 0;
            foreach (var atr in samples)
            {
                string text = Hex.Format(atr);
                var expected = SmartcardList.NaiveIdentify(entries, text);
                Assert.Equal(expected, db.Identify(atr));
                if (expected.Length > 0) matched++;
            }
            Assert.True(matched > samples.Count / 3);
        }

        [SkippableFact]
        public void EveryConcreteAtrGetsWhatOneRegexPerEntryGives()
        {
            // Concrete entries are found through the hash table and wildcard ones through the tree: for every concrete
            // ATR of the file, both together must give exactly the entries ATR_analysis' regexes match, in file order.
            Requires.Dependency(SmartcardList.Installed, "pcsc-tools' smartcard_list.txt (apt-get install pcsc-tools)");
            var db = AtrDatabase.FromFile(SmartcardList.InstalledPath);
            var entries = SmartcardList.Read();
            var concrete = entries.Where(e => e.IsConcrete).Select(e => e.Pattern).Distinct().ToList();
            Assert.True(concrete.Count > 3000);
            foreach (string text in concrete)
            {
                Assert.Equal(SmartcardList.NaiveIdentify(entries, text), db.Identify(AtrText.ParseHex(text)));
            }
        }

        /// <summary>A concrete ATR the pattern matches: '.' and classes filled at random, '.*' dropped.</summary>
        private static byte[] Instantiate(string pattern, Random rng)
        {
            var chars = new List<char>();
            for (int i = 0; i < pattern.Length; i++)
            {
                char c = pattern[i];
                if (c == '.' && i + 1 < pattern.Length && pattern[i + 1] == '*')
                {
                    i++;
                    continue;
                }
                if (c == '.') chars.Add("0123456789ABCDEF"[rng.Next(16)]);
                else if (c == '[')
                {
                    int close = pattern.IndexOf(']', i);
                    var options = pattern.Substring(i + 1, close - i - 1).Where(Uri.IsHexDigit).ToArray();
                    chars.Add(char.ToUpperInvariant(options[rng.Next(options.Length)]));
                    i = close;
                }
                else chars.Add(c);
            }
            return AtrText.ParseHex(new string(chars.ToArray()));
        }

        [SkippableFact]
        public void EveryConcreteAtrDecodesOrIsRejectedWithAReason()
        {
            Requires.Dependency(SmartcardList.Installed, "pcsc-tools' smartcard_list.txt (apt-get install pcsc-tools)");
            int decoded = 0, validTck = 0;
            foreach (var e in SmartcardList.Read().Where(e => e.IsConcrete))
            {
                try
                {
                    var r = AtrParser.Parse(e.Pattern);
                    decoded++;
                    if (r.CheckByteRequired && r.CheckByteValid) validTck++;
                    Assert.Equal(e.Pattern, r.Atr);
                }
                catch (AtrParseException ex)
                {
                    Assert.True(ex.Reason == AtrParseReason.Truncated || ex.Reason == AtrParseReason.InvalidTS, e.Pattern + ": " + ex.Message);
                }
            }
            Assert.True(decoded > 3000);
            Assert.True(validTck > 1000);
        }
    }
}
