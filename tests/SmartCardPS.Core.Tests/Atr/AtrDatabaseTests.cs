using System;
using System.IO;
using System.Linq;
using SmartCardPS.Atr;
using SmartCardPS.Parameters;
using Xunit;
using static SmartCardPS.Tests.Atr.AtrVectors;

namespace SmartCardPS.Tests.Atr
{
    public sealed class AtrDatabaseTests : IDisposable
    {
        private readonly string dir = Path.Combine(Path.GetTempPath(), "atrdb-" + Guid.NewGuid().ToString("N"));

        public AtrDatabaseTests() => Directory.CreateDirectory(dir);

        public void Dispose() => Directory.Delete(dir, true);

        private AtrDatabase Write(string content, string name = "smartcard_list.txt")
        {
            string path = Path.Combine(dir, name);
            File.WriteAllText(path, content);
            var db = AtrDatabase.FromFile(path);
            db.Refresh();
            return db;
        }

        private const string Sample =
            "# comment\n" +
            "\n" +
            "3B 02 14 50\n\tExact card\n\tsecond line\n\n" +
            "3B 02 14 ..\n\tAny last byte\n\n" +
            "3B 02 1[0-4] 5[FE0]\n\tClasses\n\n" +
            "3b 02 14 5[^1]\n\tLower case, negated class\n\n" +
            "3B 02 14 50 .*\n\tPrefix with star\n\n" +
            "3B 0. .. 50 \n\tTrailing space never matches\n\n" +
            "3B 9F .* 90 00 ..\n\tStar in the middle\n\n" +
            "3B (02|03) 14 50\n\tAlternation, through the regex fallback\n";

        [Fact]
        public void ReportsEveryMatchingEntryInFileOrder()
        {
            // "3B 02 14 50 .*" wants a space after 50, so, as in ATR_analysis, it matches longer ATRs only.
            var db = Write(Sample);
            Assert.Equal(8, db.PatternCount);
            Assert.Equal(
                new[] { "Exact card", "second line", "Any last byte", "Classes", "Lower case, negated class", "Alternation, through the regex fallback" },
                db.Identify(Bytes("3B 02 14 50")));
            Assert.Equal("Exact card", db.CardNameOf(Bytes("3B 02 14 50")));
        }

        [Fact]
        public void MatchesTheWholeAtrOnly()
        {
            var db = Write(Sample);
            Assert.Equal(new[] { "Prefix with star" }, db.Identify(Bytes("3B 02 14 50 01 02")));
            Assert.Equal(new[] { "Any last byte" }, db.Identify(Bytes("3B 02 14 51")));
            Assert.Equal(new[] { "Any last byte", "Lower case, negated class" }, db.Identify(Bytes("3B 02 14 52")));
            Assert.Equal(new[] { "Classes" }, db.Identify(Bytes("3B 02 11 5E")));
            Assert.Empty(db.Identify(Bytes("3B 02 15 5E")));
            Assert.Empty(db.Identify(Bytes("3B 02 14")));
            Assert.Null(db.CardNameOf(Bytes("3B 00")));
        }

        [Fact]
        public void AStarMatchesAcrossBytes()
        {
            var db = Write(Sample);
            Assert.Equal(new[] { "Star in the middle" }, db.Identify(Bytes("3B 9F 01 02 03 90 00 AA")));
            Assert.Empty(db.Identify(Bytes("3B 9F 01 02 03 90 01 AA")));
        }

        [Fact]
        public void AConcreteAtrListedTwiceOrAlsoMatchedByAWildcardComesInFileOrder()
        {
            // Concrete lines go to the hash table, the others to the tree; the answer merges both in file order.
            var db = Write(
                "3B 02 14 ..\n\tWildcard before\n\n" +
                "3B 02 14 50\n\tConcrete\n\n" +
                "3b 02 14 50\n\tLower case concrete\n\n" +
                "3B 02 14 50\n\tSame line again\n\n" +
                "3B 02 1. 50\n\tWildcard after\n");
            Assert.Equal(5, db.PatternCount);
            Assert.Equal(
                new[] { "Wildcard before", "Concrete", "Lower case concrete", "Same line again", "Wildcard after" },
                db.Identify(Bytes("3B 02 14 50")));
            var r = db.Decode(Bytes("3B 02 14 50"));
            Assert.Equal(new[] { "3B 02 14 ..", "3B 02 14 50", "3b 02 14 50", "3B 02 14 50", "3B 02 1. 50" }, r.Identification.Select(i => i.Pattern));
            Assert.Equal("Wildcard before", r.CardName);
        }

        [Fact]
        public void AConcreteLineLongerThanAnAtrMatchesNothing()
        {
            string line = string.Join(" ", Enumerable.Repeat("3B", AtrText.MaxAtrLength + 1));
            var db = Write(line + "\n\tToo long\n\n3B 00\n\tShort\n");
            Assert.Empty(db.Identify(Enumerable.Repeat((byte)0x3B, AtrText.MaxAtrLength + 1).ToArray()));
            Assert.Equal(new[] { "Short" }, db.Identify(Bytes("3B 00")));
        }

        [Fact]
        public void TheFirstBackgroundLoadIsWaitedForAndLaterRefreshesSeeChangesAtOnce()
        {
            string path = Path.Combine(dir, "smartcard_list.txt");
            File.WriteAllText(path, "3B 02 14 50\n\tBefore\n");
            var db = AtrDatabase.FromFile(path);
            var loading = db.RefreshAsync();
            // A lookup while the file loads waits for it rather than finding nothing.
            Assert.Equal("Before", db.CardNameOf(Bytes("3B 02 14 50")));
            loading.GetAwaiter().GetResult();
            File.WriteAllText(path, "3B 02 14 50\n\tAfter the update\n");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
            Assert.True(db.RefreshAsync().IsCompleted);
            Assert.Equal("After the update", db.CardNameOf(Bytes("3B 02 14 50")));
        }

        [Fact]
        public void ReloadsWhenTheFileChanges()
        {
            var db = Write("3B 02 14 50\n\tBefore\n");
            Assert.Equal("Before", db.CardNameOf(Bytes("3B 02 14 50")));
            string path = db.FilePath;
            File.WriteAllText(path, "3B 02 14 50\n\tAfter the update\n");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
            db.Refresh();
            Assert.Equal("After the update", db.CardNameOf(Bytes("3B 02 14 50")));
        }

        [Fact]
        public void AMissingFileIdentifiesNothing()
        {
            var db = AtrDatabase.FromFile(Path.Combine(dir, "absent.txt"));
            Assert.False(db.IsAvailable);
            Assert.Null(db.FilePath);
            Assert.Empty(db.Identify(Bytes("3B 02 14 50")));
            Assert.Null(db.CardNameOf(Bytes("3B 02 14 50")));
        }

        [Fact]
        public void DecodeFillsIdentificationAndCardName()
        {
            var db = Write(Sample);
            var r = db.Decode(Bytes("3B 02 14 50"));
            Assert.Equal("Exact card", r.CardName);
            Assert.Equal(6, r.Identification.SelectMany(i => i.Descriptions).Count());
            Assert.All(r.Identification, i => Assert.False(string.IsNullOrEmpty(i.Pattern)));
            r.Identification[0].Descriptions[0] = "changed by a caller";
            Assert.Equal("Exact card", db.CardNameOf(Bytes("3B 02 14 50")));
        }

        [Fact]
        public void TheOverrideVariableReplacesTheSearchList()
        {
            string before = Environment.GetEnvironmentVariable(AtrDatabaseLocations.OverrideVariable);
            try
            {
                string a = Path.Combine(dir, "a.txt"), b = Path.Combine(dir, "b.txt");
                File.WriteAllText(b, "3B 00\n\tB\n");
                Environment.SetEnvironmentVariable(AtrDatabaseLocations.OverrideVariable, a + Path.PathSeparator + b);
                Assert.Equal(new[] { a, b }, AtrDatabaseLocations.SearchPaths);
                Assert.Equal(b, AtrDatabaseLocations.FindDefault());
                Environment.SetEnvironmentVariable(AtrDatabaseLocations.OverrideVariable, "");
                Assert.Contains("/usr/share/pcsc/smartcard_list.txt", AtrDatabaseLocations.SearchPaths);
            }
            finally
            {
                Environment.SetEnvironmentVariable(AtrDatabaseLocations.OverrideVariable, before);
            }
        }

        [Fact]
        public void DefaultSearchFollowsAtrAnalysisOrder()
        {
            string before = Environment.GetEnvironmentVariable(AtrDatabaseLocations.OverrideVariable);
            string cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            try
            {
                Environment.SetEnvironmentVariable(AtrDatabaseLocations.OverrideVariable, null);
                Environment.SetEnvironmentVariable("XDG_CACHE_HOME", dir);
                var paths = AtrDatabaseLocations.SearchPaths;
                Assert.Equal(Path.Combine(dir, "smartcard_list.txt"), paths[0]);
                Assert.EndsWith(".smartcard_list.txt", paths[1]);
                Assert.Contains("/usr/share/pcsc/smartcard_list.txt", paths);
            }
            finally
            {
                Environment.SetEnvironmentVariable(AtrDatabaseLocations.OverrideVariable, before);
                Environment.SetEnvironmentVariable("XDG_CACHE_HOME", cache);
            }
        }
    }
}
