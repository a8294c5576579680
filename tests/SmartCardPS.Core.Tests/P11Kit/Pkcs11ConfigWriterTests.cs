using SmartCardPS.P11Kit;
using Xunit;

namespace SmartCardPS.Tests.P11Kit
{
    /// <summary>What the writer renders. How it writes (modes, atomic replace, faults, races) is AtomicFile's, tested in Os/AtomicFileTests.</summary>
    public sealed class Pkcs11ConfigWriterTests
    {
        [Fact]
        public void RendersTheArchWikiLineAndTheOptionalSettings()
        {
            Assert.EndsWith("\nmodule: opensc-pkcs11.so\n", Pkcs11ConfigWriter.Render("opensc-pkcs11.so", null, null, null));
            string full = Pkcs11ConfigWriter.Render("/x/opensc-pkcs11.so", 10, new[] { "p11tool", "gnutls-cli" }, new[] { "firefox" });
            var settings = Pkcs11ConfigParser.Parse(full, out string error);
            Assert.Null(error);
            Assert.Equal("/x/opensc-pkcs11.so", settings["module"]);
            Assert.Equal("10", settings["priority"]);
            Assert.Equal(new[] { "p11tool", "gnutls-cli" }, Pkcs11ConfigParser.List(settings["enable-in"]));
            Assert.Equal("firefox", settings["disable-in"]);
        }
    }
}
