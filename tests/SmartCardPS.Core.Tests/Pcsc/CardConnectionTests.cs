using System;
using System.Linq;
using SmartCardPS.Interop;
using SmartCardPS.Iso7816;
using SmartCardPS.Pcsc;
using SmartCardPS.TestFixture;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Pcsc
{
    /// <summary>Connections and APDUs against the real pcscd, vpcd and the fixture's ISO/IEC 7816-4 card.</summary>
    [Collection(PcscCollection.Name)]
    public sealed class CardConnectionTests : IDisposable
    {
        public const string T0Atr = "3B 02 14 50";
        public const string T1Atr = "3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC";
        private const string SelectApp = "00 A4 04 00 09 F0 53 43 50 53 54 45 53 54 00";
        private const string AppFci = "6F 0E 84 09 F0 53 43 50 53 54 45 53 54 82 01 38";

        private readonly PcscFixtureHost host;
        private PcscFixture fixture;

        public CardConnectionTests(PcscFixtureHost host) => this.host = host;

        public void Dispose() => fixture?.Remove(0);

        private SmartCardConnection ConnectTo(string atr, SmartCardShareMode share = SmartCardShareMode.Shared)
        {
            fixture = host.Fixture;
            CardWaits.Clear(fixture);
            fixture.Insert(0, atr);
            CardWaits.Until(fixture.ReaderNames[0], present: true, atr);
            return SmartCardConnection.Connect(fixture.ReaderNames[0], share);
        }

        private static ApduResponse Send(SmartCardConnection c, string apdu, bool follow = true) => c.Send(CommandApdu.Parse(apdu), follow);

        [SkippableFact]
        public void T1CardAnswersSelectReadBinaryAndErrors()
        {
            using (var c = ConnectTo(T1Atr))
            {
                Assert.Equal(SmartCardProtocol.T1, c.Protocol);
                Assert.Equal(T1Atr, c.Atr);
                var fci = Send(c, SelectApp);
                Assert.Equal(AppFci, fci.Data);
                Assert.Equal("90 00", fci.StatusWord);
                Assert.True(fci.Success);
                Assert.Equal("90 00", Send(c, "00 A4 02 0C 02 02 01").StatusWord);
                Assert.Equal("SmartCardPS", System.Text.Encoding.ASCII.GetString(Send(c, "00 B0 00 00 00").GetData()));
                // EF 0101 sits in the MF: not reachable from the application's DF by file id.
                Assert.Equal("6A 82", Send(c, "00 A4 00 0C 02 01 01").StatusWord);
                Assert.Equal("90 00", Send(c, "00 A4 00 0C 02 3F 00").StatusWord);
                Assert.Equal("90 00", Send(c, "00 A4 00 0C 02 01 01").StatusWord);
                var small = Send(c, "00 B0 00 00 20");
                Assert.Equal(Enumerable.Range(0, 32).Select(i => (byte)i), small.GetData());
                var notFound = Send(c, "00 A4 00 0C 02 12 34");
                Assert.Equal(("6A 82", false, "Wrong parameters: file or application not found"), (notFound.StatusWord, notFound.Success, notFound.Meaning));
                Assert.Equal("6D 00", Send(c, "00 FF 00 00").StatusWord);
                Assert.Equal("6E 00", Send(c, "F0 B0 00 00 01").StatusWord);
            }
        }

        [SkippableFact]
        public void ExtendedLengthReadReturnsMoreThan256BytesOverT1()
        {
            using (var c = ConnectTo(T1Atr))
            {
                Send(c, "00 A4 00 0C 02 01 02");
                var r = Send(c, "00 B0 00 00 00 02 58");
                Assert.Equal(IsoCard.LargeFileContent, r.GetData());
                Assert.Equal("90 00", r.StatusWord);
            }
        }

        [SkippableFact]
        public void T0CardGivesDataThroughGetResponseAndLeRetry()
        {
            using (var c = ConnectTo(T0Atr))
            {
                Assert.Equal(SmartCardProtocol.T0, c.Protocol);
                var raw = Send(c, SelectApp, follow: false);
                Assert.Equal(("61 10", ""), (raw.StatusWord, raw.Data));
                Assert.True(raw.Success);
                var fetched = Send(c, "00 C0 00 00 10", follow: false);
                Assert.Equal((AppFci, "90 00"), (fetched.Data, fetched.StatusWord));

                var followed = Send(c, SelectApp);
                Assert.Equal((AppFci, "90 00"), (followed.Data, followed.StatusWord));

                Send(c, "00 A4 00 0C 02 3F 00");
                Send(c, "00 A4 00 0C 02 01 01");
                Assert.Equal("6C 20", Send(c, "00 B0 00 00 40", follow: false).StatusWord);
                var retried = Send(c, "00 B0 00 00 40");
                Assert.Equal(("90 00", 32), (retried.StatusWord, retried.GetData().Length));
            }
        }

        [SkippableFact]
        public void GetResponseTakesTheClassIso7816GivesItForEachChannelSecureMessagingAndProprietaryClass()
        {
            // ISO/IEC 7816-4 5.4.1: GET RESPONSE keeps the logical channel, clears secure messaging, and is 00 after a proprietary class.
            var classes = new (byte Command, byte GetResponse)[]
            {
                (0x00, 0x00), (0x01, 0x01), (0x02, 0x02), (0x03, 0x03), (0x04, 0x00), (0x09, 0x01), (0x0E, 0x02), (0x0F, 0x03),
                (0x40, 0x40), (0x4F, 0x4F), (0x61, 0x41), (0x6E, 0x4E), (0x80, 0x00),
            };
            using (var c = ConnectTo(T0Atr))
            {
                foreach (var (command, getResponse) in classes)
                {
                    string select = command.ToString("X2") + SelectApp.Substring(2);
                    var followed = Send(c, select);
                    Assert.True((AppFci, "90 00") == (followed.Data, followed.StatusWord), $"class {command:X2}: {followed.Data} {followed.StatusWord}");
                    Assert.Equal("61 10", Send(c, select, follow: false).StatusWord);
                    if (command != getResponse)
                    {
                        // The card is strict: the command's own class is refused and the answer is gone.
                        Assert.Equal("6E 00", Send(c, command.ToString("X2") + " C0 00 00 10", follow: false).StatusWord);
                        Assert.Equal("69 85", Send(c, getResponse.ToString("X2") + " C0 00 00 10", follow: false).StatusWord);
                        Send(c, select, follow: false);
                    }
                    var fetched = Send(c, getResponse.ToString("X2") + " C0 00 00 10", follow: false);
                    Assert.Equal((AppFci, "90 00"), (fetched.Data, fetched.StatusWord));
                }
                Assert.Equal("6E 00", Send(c, "10 A4 00 0C 02 3F 00").StatusWord);
                Assert.Equal("6E 00", Send(c, "20 A4 00 0C 02 3F 00").StatusWord);
            }
        }

        [SkippableFact]
        public void T0ResponseLongerThan256BytesIsJoinedFromGetResponses()
        {
            using (var c = ConnectTo(T0Atr))
            {
                Send(c, "00 A4 00 0C 02 01 02");
                var r = Send(c, "00 B1 00 00 03 54 01 00 00");
                Assert.Equal(IsoCard.LargeFileContent, r.GetData());
                Assert.Equal("90 00", r.StatusWord);
                Assert.Equal("61 00", Send(c, "00 B1 00 00 03 54 01 00 00", follow: false).StatusWord);
            }
        }

        [SkippableFact]
        public void ExtendedApduOverT0IsRefusedBeforeItIsSent()
        {
            using (var c = ConnectTo(T0Atr))
            {
                var ex = Assert.Throws<ApduFormatException>(() => Send(c, "00 B0 00 00 00 02 58"));
                Assert.Equal(ApduFormatReason.ExtendedOverT0, ex.Reason);
                Assert.Contains("T=0", ex.Message);
            }
        }

        [SkippableFact]
        public void CardRemovedBetweenConnectAndTransmit()
        {
            using (var c = ConnectTo(T1Atr))
            {
                fixture.Remove(0);
                CardWaits.Until(fixture.ReaderNames[0], present: false);
                var ex = Assert.Throws<PcscException>(() => Send(c, SelectApp));
                Assert.Equal(ScardError.RemovedCard, ex.Error);
                Assert.Contains("removed", ex.Message);
                Assert.Contains(fixture.ReaderNames[0], ex.Message);
            }
        }

        [SkippableFact]
        public void ResetByAnotherConnectionIsReportedOrRetriedWhenAsked()
        {
            using (var c = ConnectTo(T1Atr))
            using (var other = SmartCardConnection.Connect(fixture.ReaderNames[0]))
            {
                Send(c, SelectApp);
                other.Reconnect(SmartCardDisposition.Reset);
                var ex = Assert.Throws<PcscException>(() => Send(c, "00 A4 00 0C 02 3F 00"));
                Assert.Equal(ScardError.ResetCard, ex.Error);

                other.Reconnect(SmartCardDisposition.Reset);
                c.RetryOnReset = true;
                Assert.Equal(AppFci, Send(c, SelectApp).Data);
            }
        }

        [SkippableFact]
        public void ExclusiveConnectionBlocksASecond()
        {
            using (var c = ConnectTo(T1Atr, SmartCardShareMode.Exclusive))
            {
                var ex = Assert.Throws<PcscException>(() => SmartCardConnection.Connect(fixture.ReaderNames[0]));
                Assert.Equal(ScardError.SharingViolation, ex.Error);
                c.Disconnect(SmartCardDisposition.Leave);
                using (var second = SmartCardConnection.Connect(fixture.ReaderNames[0])) Assert.True(second.IsConnected);
            }
        }

        [SkippableFact]
        public void DisconnectedConnectionSaysSo()
        {
            var c = ConnectTo(T1Atr);
            c.Disconnect(SmartCardDisposition.Reset);
            Assert.False(c.IsConnected);
            c.Dispose();
            var ex = Assert.Throws<ObjectDisposedException>(() => Send(c, SelectApp));
            Assert.Contains("Connect-SmartCard", ex.Message);
        }

        [SkippableFact]
        public void TransactionKeepsOtherConnectionsWaiting()
        {
            using (var c = ConnectTo(T1Atr))
            using (var other = SmartCardConnection.Connect(fixture.ReaderNames[0]))
            {
                var transaction = c.BeginTransaction();
                var begun = System.Threading.Tasks.Task.Run(() => other.BeginTransaction());
                Assert.False(begun.Wait(300));
                transaction.Dispose();
                Assert.True(begun.Wait(5000));
                begun.Result.Dispose();
            }
        }
    }
}
