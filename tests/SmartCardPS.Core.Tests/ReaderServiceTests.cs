using System.Linq;
using Xunit;

namespace SmartCardPS.Tests
{
    [Collection(PcscCollection.Name)]
    public class ReaderServiceTests
    {
        private readonly PcscFixtureHost host;

        public ReaderServiceTests(PcscFixtureHost host) => this.host = host;

        [SkippableFact]
        public void ListsTheVirtualReadersWithoutCards()
        {
            var fixture = host.Fixture;
            using (var context = PcscContext.Establish())
            {
                var readers = context.GetReaders();
                Assert.Equal(fixture.ReaderNames, readers.Select(r => r.Name).ToArray());
                Assert.All(readers, r => Assert.False(r.CardPresent));
                Assert.All(readers, r => Assert.Null(r.Atr));
            }
        }
    }
}
