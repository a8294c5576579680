using System;
using System.IO;
using System.Security;
using System.Text;
using SmartCardPS.Pkcs11;
using Xunit;

namespace SmartCardPS.Tests.Pkcs11
{
    /// <summary>
    /// The one PIN precedence every PIN-taking cmdlet uses (issue 22, step 1): given, the URI's pin-value, its
    /// pin-source, the PIN pad, a prompt; each later source is never consulted when an earlier one answers.
    /// </summary>
    public sealed class Pkcs11PinSourceTests : IDisposable
    {
        private readonly string dir = Directory.CreateTempSubdirectory("smartcardps-pinsource-").FullName;
        private readonly Pkcs11Token token = new Pkcs11Token { Label = "T" };
        private readonly Pkcs11Token pinPadToken = new Pkcs11Token { Label = "P", Flags = Pkcs11TokenFlags.ProtectedAuthenticationPath };
        private int prompts;

        public void Dispose() => Directory.Delete(dir, true);

        private static SecureString Secure(string text)
        {
            var s = new SecureString();
            foreach (char c in text) s.AppendChar(c);
            return s;
        }

        private Func<SecureString> Prompt(string typed) => () =>
        {
            prompts++;
            return typed == null ? null : Secure(typed);
        };

        private string SourceFile(string content)
        {
            string path = Path.Combine(dir, "pin");
            File.WriteAllText(path, content);
            return path;
        }

        private (Pkcs11PinOrigin Origin, string Pin) Resolve(Pkcs11Token t, SecureString given, string uri, string source, bool pinPad, string typed)
        {
            Pkcs11PinOrigin origin = Pkcs11PinSource.Resolve(t, given, uri, source, pinPad, Prompt(typed), out Pkcs11Pin pin);
            using (pin) return (origin, pin == null ? null : Encoding.UTF8.GetString(pin.Bytes));
        }

        [Fact]
        public void TheGivenPinComesBeforeEverythingElse()
        {
            var r = Resolve(pinPadToken, Secure("given-ä"), "pkcs11:token=P?pin-value=inuri", SourceFile("file\n"), true, "typed");
            Assert.Equal((Pkcs11PinOrigin.Given, "given-ä"), r);
            Assert.Equal(0, prompts);
        }

        [Fact]
        public void ThePinValueComesBeforeThePinSource()
        {
            var r = Resolve(token, null, "pkcs11:token=T?pin-value=in%20uri", SourceFile("file\n"), true, "typed");
            Assert.Equal((Pkcs11PinOrigin.UriPinValue, "in uri"), r);
            Assert.Equal(0, prompts);
        }

        [Fact]
        public void ThePinSourceGivesItsFirstLineBeforeThePinPad()
        {
            var r = Resolve(pinPadToken, null, "pkcs11:token=P", SourceFile("from file\nsecond line\n"), true, "typed");
            Assert.Equal((Pkcs11PinOrigin.UriPinSource, "from file"), r);
            Assert.Equal(0, prompts);
        }

        [Fact]
        public void AnUnreadablePinSourceSaysWhichAndWhyAndNeverFallsBackToAPrompt()
        {
            string missing = Path.Combine(dir, "no\u001bsuch");
            var ex = Assert.Throws<IOException>(() => Resolve(token, null, null, missing, true, "typed"));
            Assert.StartsWith("The pin-source '", ex.Message);
            Assert.Contains("cannot be read", ex.Message);
            Assert.DoesNotContain("\u001b", ex.Message, StringComparison.Ordinal);
            Assert.Contains("no\\x1Bsuch", ex.Message, StringComparison.Ordinal);
            Assert.Equal(0, prompts);
        }

        [Fact]
        public void APinPadTokenGetsNoPinBytesWhenTheCallAllowsIt()
        {
            Assert.Equal((Pkcs11PinOrigin.PinPad, (string)null), Resolve(pinPadToken, null, "pkcs11:token=P", null, true, "typed"));
            Assert.Equal(0, prompts);
            Assert.Equal((Pkcs11PinOrigin.Prompt, "typed"), Resolve(pinPadToken, null, null, null, false, "typed"));
            Assert.Equal(1, prompts);
        }

        [Fact]
        public void ThePromptIsAskedOnceAndNoAnswerIsNoPin()
        {
            Assert.Equal((Pkcs11PinOrigin.Prompt, "typed"), Resolve(token, null, null, null, true, "typed"));
            Assert.Equal((Pkcs11PinOrigin.None, (string)null), Resolve(token, null, null, null, true, null));
            Assert.Equal(2, prompts);
            Assert.Equal(Pkcs11PinOrigin.None, Pkcs11PinSource.Resolve(token, null, null, null, true, null, out Pkcs11Pin none));
            Assert.Null(none);
        }
    }
}
