using System.Diagnostics;
using SmartCardPS.Text;
using Xunit;

namespace SmartCardPS.Tests.Text
{
    /// <summary>What PosixShellQuote writes, read back by the real /bin/sh.</summary>
    public class PosixShellQuoteTests
    {
        [Theory]
        [InlineData("plain")]
        [InlineData("Bob's db")]
        [InlineData("''")]
        [InlineData("'")]
        [InlineData("a\\'b $HOME `id` \"q\" * ; & |")]
        [InlineData("Bob\u2019s")]
        [InlineData("")]
        public void ShReadsBackExactlyTheText(string text)
        {
            var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("printf %s " + PosixShellQuote.SingleQuoted(text));
            using (var sh = Process.Start(psi))
            {
                string output = sh.StandardOutput.ReadToEnd();
                sh.WaitForExit();
                Assert.Equal(0, sh.ExitCode);
                Assert.Equal(text, output);
            }
        }

        [Fact]
        public void AQuoteClosesEscapesAndReopens()
        {
            Assert.Equal("'Bob'\\''s db'", PosixShellQuote.SingleQuoted("Bob's db"));
        }
    }
}
