using System;
using Xunit;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Tests
{
    public class Pkcs11UriTests
    {
        [Fact]
        public void WritesTokenAttributesInP11KitOrder()
        {
            Assert.Equal("pkcs11:model=SoftHSM%20v2;manufacturer=SoftHSM%20project;serial=a1cdbab80b0a4387;token=Tok%20A",
                Pkcs11Uri.ForToken("Tok A", "SoftHSM project", "SoftHSM v2", "a1cdbab80b0a4387"));
        }

        [Fact]
        public void LeavesOutEmptyAttributesAndTrimsPaddingBlanks()
        {
            Assert.Equal("pkcs11:model=p11-kit-trust;token=System%20Trust", Pkcs11Uri.ForToken("System Trust   ", "", "p11-kit-trust ", "   "));
            Assert.Equal("pkcs11:", Pkcs11Uri.ForToken(null, null, null, null));
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
            Assert.Equal(encoded, Pkcs11Uri.Encode(value));
        }

        [Fact]
        public void ParsesPathAndQueryAttributesAndDecodesUtf8()
        {
            var a = Pkcs11Uri.Parse("pkcs11:token=T%C3%B6k%2FB%3Bx;serial=42?module-path=/usr/lib/x.so&pin-value=1");
            Assert.Equal("Tök/B;x", a["token"]);
            Assert.Equal("42", a["serial"]);
            Assert.Equal("/usr/lib/x.so", a["module-path"]);
        }

        [Theory]
        [InlineData("token=x")]
        [InlineData("pkcs11:token")]
        [InlineData("pkcs11:token=%G0")]
        [InlineData("pkcs11:token=%4")]
        public void RejectsTextThatIsNotAPkcs11Uri(string text)
        {
            Assert.Throws<FormatException>(() => Pkcs11Uri.Parse(text));
        }

        [Fact]
        public void MatchesTokensOnEveryNamedAttribute()
        {
            var token = new Pkcs11Token { Label = "Tök", Manufacturer = "M", Model = "X", SerialNumber = "1", SlotId = 7, Module = "softhsm2" };
            Assert.True(Pkcs11Uri.Matches(Pkcs11Uri.Parse(Pkcs11Uri.ForToken("Tök", "M", "X", "1")), token));
            Assert.True(Pkcs11Uri.Matches(Pkcs11Uri.Parse("pkcs11:slot-id=7?module-name=softhsm2"), token));
            Assert.False(Pkcs11Uri.Matches(Pkcs11Uri.Parse("pkcs11:token=T%C3%B6k;serial=2"), token));
        }
    }
}
