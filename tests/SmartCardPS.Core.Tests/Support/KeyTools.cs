using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using SmartCardPS.Pkcs11;
using SmartCardPS.TestFixture;

namespace SmartCardPS.Tests.Support
{
    /// <summary>The real tools the key tests compare with: p11tool, pkcs11-tool, ssh-keygen and openssl, run on the fixture's SoftHSM.</summary>
    internal static class KeyTools
    {
        public static string Library => SoftHsmFixture.LibraryPath;

        /// <summary>Stdout then stderr of the tool; an exception with its stderr when it exits non-zero (unless <paramref name="allowFailure"/>).</summary>
        public static string Run(string file, string stdin, bool allowFailure, params string[] args)
        {
            var psi = new ProcessStartInfo(file)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = stdin != null,
            };
            foreach (string a in args) psi.ArgumentList.Add(a);
            psi.Environment["GNUTLS_PIN"] = SoftHsmFixture.UserPin;
            using (var p = Process.Start(psi))
            {
                if (stdin != null)
                {
                    p.StandardInput.Write(stdin);
                    p.StandardInput.Close();
                }
                var stderr = p.StandardError.ReadToEndAsync();
                string stdout = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0 && !allowFailure)
                    throw new InvalidOperationException($"{file} {string.Join(" ", args)} exited {p.ExitCode}: {stderr.Result}{stdout}");
                return stdout + stderr.Result;
            }
        }

        public static string P11tool(params string[] args) => Run("p11tool", null, false, Prepend("--provider=" + Library, args));

        public static string Pkcs11Tool(params string[] args) => Run("pkcs11-tool", null, false, Prepend("--module=" + Library, args));

        public static string Openssl(string stdin, params string[] args) => Run("openssl", stdin, false, args);

        /// <summary>The lines ssh-keygen -D prints for every key on every token of SoftHSM.</summary>
        public static string SshKeygen() => Run("ssh-keygen", null, true, "-D", Library);

        /// <summary>A file under /tmp with <paramref name="content"/>, deleted by the caller.</summary>
        public static string TempFile(string content)
        {
            string path = Path.Combine(Path.GetTempPath(), "smartcardps-keys-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            File.WriteAllText(path, content);
            return path;
        }

        private static string[] Prepend(string first, string[] rest)
        {
            var all = new string[rest.Length + 1];
            all[0] = first;
            rest.CopyTo(all, 1);
            return all;
        }

        public static byte[] Pin() => Encoding.UTF8.GetBytes(SoftHsmFixture.UserPin);
    }

    /// <summary>A token of its own for one test (the fixture's tokens are counted by other tests), removed at the end.</summary>
    internal sealed class KeyToken : IDisposable
    {
        private readonly SoftHsmFixture fixture;

        public KeyToken(SoftHsmFixture fixture, string label)
        {
            this.fixture = fixture;
            Label = label;
            fixture.AddToken(label);
        }

        public string Label { get; }

        public Pkcs11Token Find(Pkcs11Library library) => library.GetTokens(false).Find(t => t.Label == Label)
            ?? throw new InvalidOperationException($"token {Label} is not listed");

        public void Dispose() => fixture.RemoveToken(Label);
    }
}
