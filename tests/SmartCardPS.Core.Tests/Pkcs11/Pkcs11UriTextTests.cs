using System;
using Xunit;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Tests.Pkcs11
{
    public class Pkcs11UriTextTests
    {
        [Fact]
        public void WritesTokenAttributesInP11KitOrder()
        {
            Assert.Equal("pkcs11:model=SoftHSM%20v2;manufacturer=SoftHSM%20project;serial=a1cdbab80b0a4387;token=Tok%20A",
                Pkcs11UriText.ForToken("Tok A", "SoftHSM project", "SoftHSM v2", "a1cdbab80b0a4387"));
        }

        [Fact]
        public void LeavesOutEmptyAttributesAndTrimsPaddingBlanks()
        {
            Assert.Equal("pkcs11:model=p11-kit-trust;token=System%20Trust", Pkcs11UriText.ForToken("System Trust   ", "", "p11-kit-trust ", "   "));
            Assert.Equal("pkcs11:", Pkcs11UriText.ForToken(null, null, null, null));
        }

        [Theory]
        [InlineData("AZaz09_.-", "AZaz09_.-")]
        [InlineData("PKCS#11 Kit", "PKCS%2311%20Kit")]
        [InlineData("a/b;c=d?e&f%g", "a%2Fb%3Bc%3Dd%3Fe%26f%25g")]
        [InlineData("Tök", "T%C3%B6k")]
        [InlineData("€~*'()", "%E2%82%AC%7E%2A%27%28%29")]
        [InlineData("x\0y", "x%00y")]
        public void PercentEncodesEveryByteOutsideTheUnreservedSetInUppercaseHex(string value, string encoded)
        {
            Assert.Equal(encoded, Pkcs11UriText.Encode(value));
        }

        [Fact]
        public void ParsesPathAndQueryAttributesAndDecodesUtf8()
        {
            var a = Pkcs11UriText.Parse("pkcs11:token=T%C3%B6k%2FB%3Bx;serial=42?module-path=/usr/lib/x.so&pin-value=1");
            Assert.Equal("Tök/B;x", a.Token);
            Assert.Equal("42", a.Serial);
            Assert.Equal("/usr/lib/x.so", a.ModulePath);
            // The parsed URI never holds the PIN: Pkcs11Pin.FromUri reads it from the text (Pkcs11PinTests).
            Assert.Equal("***", a.PinValue);
        }

        [Fact]
        public void ParsesObjectAttributesIdAsBytesAndThePinSource()
        {
            var a = Pkcs11UriText.Parse("pkcs11:token=T;id=%01%02%FF;object=RSA%20key%2F%C3%A9%3Bx;type=private?pin-source=file:/tmp/p%20in");
            Assert.Equal(new byte[] { 1, 2, 0xFF }, a.Id);
            Assert.Equal("RSA key/é;x", a.Object);
            Assert.Equal(Pkcs11ObjectClass.PrivateKey, Pkcs11UriText.ObjectClass(a));
            Assert.Equal("file:/tmp/p in", a.PinSource);
            Assert.Null(Pkcs11UriText.ObjectClass(Pkcs11UriText.Parse("pkcs11:token=T")));
            Assert.Equal(Pkcs11ObjectClass.SecretKey, Pkcs11UriText.ObjectClass(Pkcs11UriText.Parse("pkcs11:type=secret-key")));
        }

        [Fact]
        public void TakesSpacesSlashesAndLettersTypedUnescaped()
        {
            var a = Pkcs11UriText.Parse("pkcs11:token=My Tök/x;object=a\u001Bb?module-path=/opt/My Lib/x.so&pin-value=1 2");
            Assert.Equal("My Tök/x", a.Token);
            Assert.Equal("a\u001Bb", a.Object);
            Assert.Equal("/opt/My Lib/x.so", a.ModulePath);
            Assert.Equal("***", a.PinValue);
            Assert.Equal("Gämma/#;%", Pkcs11UriText.Parse(Pkcs11UriText.ForToken("Gämma/#;%", null, null, null)).Token);
        }

        [Fact]
        public void IgnoresUnknownQueryAttributesWhenMatching()
        {
            var token = new Pkcs11Token { Label = "T", SlotId = 1, Module = "softhsm2" };
            Assert.True(Pkcs11UriText.Matches(Pkcs11UriText.Parse("pkcs11:token=T?foo=bar"), token));
            Assert.True(Pkcs11UriText.Matches(Pkcs11UriText.Parse("pkcs11:?x-vendor=1&module-name=softhsm2"), token));
        }

        [Theory]
        [InlineData("pkcs11:token=T;foo=bar")]
        [InlineData("pkcs11:x-vendor=1")]
        public void RejectsPathAttributesRfc7512DoesNotDefine(string text)
        {
            // Such a URI matches nothing (RFC 7512); naming the attribute tells the user why.
            var ex = Assert.Throws<FormatException>(() => Pkcs11UriText.Parse(text));
            Assert.Contains(text.Substring(text.LastIndexOf(';') + 1).Split('=')[0].Replace("pkcs11:", string.Empty), ex.Message);
        }

        [Theory]
        [InlineData("token=x")]
        [InlineData("pkcs11:token")]
        [InlineData("pkcs11:token=%G0")]
        [InlineData("pkcs11:token=%4")]
        [InlineData("pkcs11:type=certificate")]
        [InlineData("pkcs11:slot-id=x")]
        public void RejectsTextThatIsNotAPkcs11Uri(string text)
        {
            Assert.Throws<FormatException>(() => Pkcs11UriText.Parse(text));
        }

        [Fact]
        public void MatchesTokensOnEveryNamedAttribute()
        {
            var token = new Pkcs11Token { Label = "Tök", Manufacturer = "M", Model = "X", SerialNumber = "1", SlotId = 7, Module = "softhsm2" };
            Assert.True(Pkcs11UriText.Matches(Pkcs11UriText.Parse(Pkcs11UriText.ForToken("Tök", "M", "X", "1")), token));
            Assert.True(Pkcs11UriText.Matches(Pkcs11UriText.Parse("pkcs11:slot-id=7?module-name=softhsm2"), token));
            Assert.False(Pkcs11UriText.Matches(Pkcs11UriText.Parse("pkcs11:token=T%C3%B6k;serial=2"), token));
        }

        [Fact]
        public void MatchesSlotAndLibraryAttributesAndTheSchemeInAnyCase()
        {
            var token = new Pkcs11Token
            {
                Label = "T", SlotId = 3, SlotDescription = "Reader 0", SlotManufacturer = "VS", LibraryDescription = "SoftHSM",
                LibraryManufacturer = "SoftHSM", LibraryVersion = "2.6", Module = "softhsm2", ModulePath = "/usr/lib/softhsm/libsofthsm2.so",
            };
            Assert.True(Pkcs11UriText.Matches(Pkcs11UriText.Parse("PKCS11:slot-description=Reader%200;slot-manufacturer=VS;slot-id=3"), token));
            Assert.True(Pkcs11UriText.Matches(Pkcs11UriText.Parse("pkcs11:library-manufacturer=SoftHSM;library-version=2.6?module-path=/usr/lib/softhsm/libsofthsm2.so"), token));
            Assert.False(Pkcs11UriText.Matches(Pkcs11UriText.Parse("pkcs11:library-version=2.5"), token));
            Assert.False(Pkcs11UriText.Matches(Pkcs11UriText.Parse("pkcs11:slot-id=4"), token));
            Assert.False(Pkcs11UriText.Matches(Pkcs11UriText.Parse("pkcs11:token=T?module-name=opensc"), token));
            // Object attributes pick objects on a token, not tokens.
            Assert.True(Pkcs11UriText.Matches(Pkcs11UriText.Parse("pkcs11:token=T;object=x;type=cert;id=%01"), token));
        }
    }
}
