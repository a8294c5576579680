using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using SmartCardPS.Pkcs11;
using Xunit;
using Pkcs11Uri = Net.Pkcs11Interop.Common.Pkcs11Uri;

namespace SmartCardPS.Tests.Pkcs11
{
    /// <summary>Issue 19, finding 7: a pin-value never shows, and PIN bytes are pinned and zeroed.</summary>
    public class Pkcs11PinTests
    {
        [Theory]
        [InlineData("pkcs11:token=nosuch;pin-value=S3cr3tPin", "pkcs11:token=nosuch;pin-value=***")]
        [InlineData("pkcs11:token=a?pin-value=S3cr%33t&module-name=x", "pkcs11:token=a?pin-value=***&module-name=x")]
        [InlineData("pkcs11:token=a?module-path=/x&pin-value=a?b;c=d", "pkcs11:token=a?module-path=/x&pin-value=***")]
        [InlineData("pkcs11:pin-value=a&b;token=x?pin-value=c", "pkcs11:pin-value=***;token=x?pin-value=***")]
        [InlineData("pkcs11:token=x?pin-value=", "pkcs11:token=x?pin-value=***")]
        [InlineData("pkcs12:token=x pin-value=S3 cr3t", "pkcs12:token=x pin-value=***")]
        [InlineData("pkcs11:token=x?PIN-VALUE=abc&pin%2Dvalue=def", "pkcs11:token=x?PIN-VALUE=abc&pin%2Dvalue=def")]
        [InlineData("pkcs11:token=x?pin-source=/run/pin", "pkcs11:token=x?pin-source=/run/pin")]
        [InlineData(null, null)]
        public void RedactsEveryPinValueAsPkcs11InteropWouldReadIt(string text, string expected) => Assert.Equal(expected, Pkcs11UriText.Redact(text));

        // What Pkcs11Interop itself decodes for URIs it takes as they are, so ours cannot drift from it.
        [Theory]
        [InlineData("pkcs11:token=T?pin-value=1234")]
        [InlineData("pkcs11:token=T?module-name=x&pin-value=p%C3%A4%20%26%3B")]
        [InlineData("pkcs11:token=T?pin-value=a/b|c?d=e:[]@!$'()*+,~._-")]
        [InlineData("pkcs11:token=T?pin-value=")]
        public void DecodesThePinValueAsPkcs11InteropDoes(string uri)
        {
            using (Pkcs11Pin pin = Pkcs11Pin.FromUri(uri))
                Assert.Equal(Encoding.UTF8.GetBytes(new Pkcs11Uri(uri).PinValue), pin.Bytes);
        }

        [Theory]
        [InlineData("pkcs11:token=T?pin-value=1 2", "1 2")]
        [InlineData("PKCS11:token=T?pin-value=pä\u20AC1", "pä\u20AC1")]
        public void DecodesWhatPeopleTypeUnescapedAsUtf8(string uri, string expected)
        {
            using (Pkcs11Pin pin = Pkcs11Pin.FromUri(uri)) Assert.Equal(Encoding.UTF8.GetBytes(expected), pin.Bytes);
            Assert.Equal(Pkcs11UriText.Redacted, Pkcs11UriText.Parse(uri).PinValue);
        }

        [Fact]
        public void NoPinValueIsNoPin()
        {
            Assert.Null(Pkcs11Pin.FromUri("pkcs11:token=T?pin-source=/run/pin"));
            Assert.Null(Pkcs11Pin.FromUri("pkcs11:token=T;pin-value=1"));
        }

        [Theory]
        [InlineData("pkcs11:token=T?pin-value=S3cr%4")]
        [InlineData("pkcs11:token=T?pin-value=S3cr%G0")]
        [InlineData("pkcs11:token=T?pin-value=S3cr;3t")]
        [InlineData("pkcs11:token=T?pin-value=S3cr&pin-value=S3cr")]
        [InlineData("pkcs11:token=T;pin-value=S3cr")]
        [InlineData("pkcs11:token=%zz?pin-value=S3cr")]
        [InlineData("pkcs:token=T?pin-value=S3cr")]
        public void AnInvalidUriIsRefusedWithoutShowingThePin(string uri)
        {
            var ex = Assert.Throws<FormatException>(() => Pkcs11UriText.Parse(uri));
            for (Exception e = ex; e != null; e = e.InnerException) Assert.DoesNotContain("S3cr", e.Message);
            Assert.Contains("pin-value=***", ex.Message);
        }

        [Fact]
        public void PinsAreHeldInPinnedArraysAndZeroedOnDispose()
        {
            var secure = new SecureString();
            foreach (char c in "pä1") secure.AppendChar(c);
            string file = Path.Combine(Path.GetTempPath(), "smartcardps-pin-" + Guid.NewGuid().ToString("N"));
            File.WriteAllText(file, "4321\nrest");
            try
            {
                AssertPinnedThenZeroed(Pkcs11Pin.FromSecureString(secure), "pä1");
                AssertPinnedThenZeroed(Pkcs11Pin.FromSource(file), "4321");
                AssertPinnedThenZeroed(Pkcs11Pin.FromUri("pkcs11:token=T?pin-value=12%2034"), "12 34");
            }
            finally
            {
                File.Delete(file);
            }
        }

        [Fact]
        public void APinSourceLongerThanAnyPinIsRefused()
        {
            string file = Path.Combine(Path.GetTempPath(), "smartcardps-pin-" + Guid.NewGuid().ToString("N"));
            File.WriteAllBytes(file, new byte[Pkcs11Pin.MaxSourceLength + 10]);
            try
            {
                Assert.Throws<IOException>(() => Pkcs11Pin.FromSource(file));
            }
            finally
            {
                File.Delete(file);
            }
        }

        // The check has teeth: an ordinary array moves under the same collections.
        [Fact]
        public void AnUnpinnedArrayMovesUnderTheSameCheck() => Assert.False(StaysPut(new byte[4]));

        private static void AssertPinnedThenZeroed(Pkcs11Pin pin, string expected)
        {
            byte[] bytes = pin.Bytes;
            Assert.Equal(Encoding.UTF8.GetBytes(expected), bytes);
            Assert.True(StaysPut(bytes));
            pin.Dispose();
            Assert.All(bytes, b => Assert.Equal(0, b));
        }

        // Whether the array is where it was after compacting collections that move every young object they can.
        private static bool StaysPut(byte[] array)
        {
            IntPtr before = Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 1000; j++) GC.KeepAlive(new byte[100]);
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            }
            return before == Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
        }
    }
}
