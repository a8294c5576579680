using SmartCardPS.Pkcs11;
using Xunit;

namespace SmartCardPS.Tests.Pkcs11
{
    /// <summary>A pkcs11: URI's object selectors as one search template, for every cmdlet that takes an object URI.</summary>
    public class Pkcs11ObjectQueryTests
    {
        [Fact]
        public void TakesObjectIdAndTypeFromTheUri()
        {
            Pkcs11ObjectQuery q = Pkcs11ObjectQuery.From(Pkcs11UriText.Parse("pkcs11:token=T;object=my%20key;id=%01%a2;type=private"));
            Assert.Equal("my key", q.Label);
            Assert.Equal(new byte[] { 0x01, 0xA2 }, q.Id);
            Assert.Equal(Pkcs11ObjectClass.PrivateKey, q.Class);
            Assert.False(q.Login);
            Assert.Null(q.Pin);
        }

        [Theory]
        [InlineData("cert", Pkcs11ObjectClass.Certificate)]
        [InlineData("public", Pkcs11ObjectClass.PublicKey)]
        [InlineData("data", Pkcs11ObjectClass.Data)]
        [InlineData("secret-key", Pkcs11ObjectClass.SecretKey)]
        public void MapsEachUriTypeToItsClass(string type, Pkcs11ObjectClass expected) =>
            Assert.Equal(expected, Pkcs11ObjectQuery.From(Pkcs11UriText.Parse("pkcs11:token=T;type=" + type)).Class);

        [Fact]
        public void LeavesOutWhatTheUriDoesNotName()
        {
            Pkcs11ObjectQuery q = Pkcs11ObjectQuery.From(Pkcs11UriText.Parse("pkcs11:token=T"));
            Assert.Null(q.Label);
            Assert.Null(q.Id);
            Assert.Null(q.Class);
            Assert.Null(Pkcs11ObjectQuery.From(null));
        }
    }
}
