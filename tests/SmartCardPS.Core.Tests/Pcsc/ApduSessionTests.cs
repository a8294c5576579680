using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SmartCardPS.Interop;
using SmartCardPS.Iso7816;
using SmartCardPS.Pcsc;
using SmartCardPS.TestFixture;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Pcsc
{
    /// <summary>The APDU session Send-SmartCardApdu runs, against the real pcscd, vpcd and the fixture's
    /// card.</summary>
    [Collection(PcscCollection.Name)]
    public sealed class ApduSessionTests : IDisposable
    {
        private const string SelectApp = "00 A4 04 00 09 F0 53 43 50 53 54 45 53 54 00";
        private const string AppFci = "6F 0E 84 09 F0 53 43 50 53 54 45 53 54 82 01 38";
        private const byte GetResponse = 0xC0;

        private readonly PcscFixtureHost host;
        private PcscFixture fixture;

        public ApduSessionTests(PcscFixtureHost host) => this.host = host;

        public void Dispose() => fixture?.Remove(0);

        private SmartCardConnection ConnectTo(string atr)
        {
            fixture = host.Fixture;
            CardWaits.Clear(fixture);
            fixture.Insert(0, atr);
            CardWaits.Until(fixture.ReaderNames[0], present: true, atr);
            return SmartCardConnection.Connect(fixture.ReaderNames[0]);
        }

        private static CommandApdu Apdu(string hex) => CommandApdu.Parse(hex);

        [SkippableFact]
        public void FollowsGetResponseOverT0AsTheCardSentItOrReturnsTheFirstAnswer()
        {
            using (var c = ConnectTo(CardConnectionTests.T0Atr))
            {
                using (var first = ApduSession.Begin(c, ownsConnection: false, retryOnReset: false, followResponses: false))
                {
                    ApduResponse r = first.Send(Apdu(SelectApp));
                    Assert.Equal(("61 10", ""), (r.StatusWord, r.Data));
                }
                Assert.DoesNotContain(GetResponse, fixture.InstructionsOf(0));
                using (var followed = ApduSession.Begin(c, ownsConnection: false, retryOnReset: false, followResponses: true))
                {
                    ApduResponse r = followed.Send(Apdu(SelectApp));
                    Assert.Equal((AppFci, "90 00"), (r.Data, r.StatusWord));
                }
                Assert.Contains(GetResponse, fixture.InstructionsOf(0));
            }
        }

        [SkippableFact]
        public void HoldsOneTransactionUntilDisposed()
        {
            using (var c = ConnectTo(CardConnectionTests.T1Atr))
            using (var other = SmartCardConnection.Connect(fixture.ReaderNames[0]))
            {
                Task<SmartCardTransaction> waiting;
                using (var session = ApduSession.Begin(c, ownsConnection: false, retryOnReset: false, followResponses: true))
                {
                    waiting = Task.Run(() => other.BeginTransaction());
                    // Whenever the other connection asks, the session's transaction is held: it cannot have its own.
                    for (int i = 0; i < 5; i++) Assert.Equal(AppFci, session.Send(Apdu(SelectApp)).Data);
                    Assert.False(waiting.IsCompleted, "another connection began a transaction inside the session's");
                }
                Assert.True(waiting.Wait(TimeSpan.FromSeconds(30)), "the session's transaction did not end when it was disposed");
                waiting.Result.Dispose();
            }
        }

        [SkippableFact]
        public void RetriesOnResetOnlyWhenAskedAndGivesTheConnectionItsSettingBack()
        {
            using (var c = ConnectTo(CardConnectionTests.T1Atr))
            using (var other = SmartCardConnection.Connect(fixture.ReaderNames[0]))
            {
                // Another program can reset the card only between transactions: the session meets it when it begins.
                other.Reconnect(SmartCardDisposition.Reset);
                var ex = Assert.Throws<PcscException>(() =>
                    ApduSession.Begin(c, ownsConnection: false, retryOnReset: false, followResponses: true));
                Assert.Equal(ScardError.ResetCard, ex.Error);
                Assert.True(c.IsConnected);

                other.Reconnect(SmartCardDisposition.Reset);
                using (var session = ApduSession.Begin(c, ownsConnection: false, retryOnReset: true, followResponses: true))
                {
                    Assert.True(c.RetryOnReset);
                    Assert.Equal(AppFci, session.Send(Apdu(SelectApp)).Data);
                }
                Assert.False(c.RetryOnReset);
                Assert.True(c.IsConnected);
            }
        }

        [SkippableFact]
        public void RunsScriptStepsAndAResetGivesTheNewAtr()
        {
            var script = ApduScript.Parse(new StringReader("00 A4 08 0C 02 01 01\nreset\n00 B0 00 00 20\n"), "test.script");
            using (var c = ConnectTo(CardConnectionTests.T0Atr))
            using (var session = ApduSession.Begin(c, ownsConnection: false, retryOnReset: false, followResponses: true))
            {
                object[] results = script.Select(session.Run).ToArray();
                Assert.Equal("90 00", Assert.IsType<ApduResponse>(results[0]).StatusWord);
                var reset = Assert.IsType<CardReset>(results[1]);
                Assert.Equal((fixture.ReaderNames[0], CardConnectionTests.T0Atr), (reset.Reader, reset.Atr));
                // The reset deselected the file: nothing to read.
                Assert.Equal("69 86", Assert.IsType<ApduResponse>(results[2]).StatusWord);
                Assert.Equal(new[] { "00 A4 08 0C 02 01 01", "reset", "00 B0 00 00 20" }, script.Select(s => s.ToString()));
            }
        }

        [SkippableFact]
        public void ClosesOnlyTheConnectionItOwnsAlsoWhenTheTransactionCannotBegin()
        {
            using (var kept = ConnectTo(CardConnectionTests.T1Atr))
            {
                var owned = SmartCardConnection.Connect(fixture.ReaderNames[0]);
                using (ApduSession.Begin(owned, ownsConnection: true, retryOnReset: false, followResponses: true)) { }
                Assert.False(owned.IsConnected);
                using (ApduSession.Begin(kept, ownsConnection: false, retryOnReset: false, followResponses: true)) { }
                Assert.True(kept.IsConnected);

                var removed = SmartCardConnection.Connect(fixture.ReaderNames[0]);
                fixture.Remove(0);
                CardWaits.Until(fixture.ReaderNames[0], present: false);
                var ex = Assert.Throws<PcscException>(() => ApduSession.Begin(removed, ownsConnection: true, retryOnReset: true, followResponses: true));
                Assert.Equal(ScardError.RemovedCard, ex.Error);
                Assert.False(removed.IsConnected);
                Assert.False(removed.RetryOnReset);

                kept.Dispose();
                Assert.Throws<ObjectDisposedException>(() => ApduSession.Begin(kept, ownsConnection: false, retryOnReset: true, followResponses: true));
                Assert.False(kept.RetryOnReset);
            }
        }
    }
}
