using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Net.Pkcs11Interop.Common;
using SmartCardPS.Pkcs11;
using SmartCardPS.TestFixture;
using SmartCardPS.Tests.Support;
using Xunit;

namespace SmartCardPS.Tests.Pkcs11
{
    /// <summary>
    /// The provisioner against a real SoftHSM2, with p11tool, pkcs11-tool and softhsm2-util as the oracles, and through the
    /// PKCS#11 shim where a test counts the PIN checks (C_Login, C_SetPIN, C_InitToken: one per attempt, never a retry) or
    /// needs a state SoftHSM never reaches (a final-try or locked PIN, a write-protected token, a missing function).
    /// Each test initialises its own token in SoftHSM's free slot and deletes it at the end, so the shared fixture's tokens stay as they were.
    /// </summary>
    [Collection(SoftHsmCollection.Name)]
    public class Pkcs11ProvisionerTests
    {
        private const string SoPin = "5678";
        private readonly SoftHsmFixtureHost host;

        public Pkcs11ProvisionerTests(SoftHsmFixtureHost host) => this.host = host;

        /// <summary>
        /// The fixture started before any library loads: SoftHSM reads SOFTHSM2_CONF in C_Initialize, and without it would
        /// write to the machine's own token directory.
        /// </summary>
        private Pkcs11Library Load(string path, string name)
        {
            _ = host.Fixture;
            return Pkcs11Library.Load(path, name);
        }

        private static byte[] Bytes(string pin) => Encoding.UTF8.GetBytes(pin);

        private static string NewLabel(string prefix) => prefix + " " + Guid.NewGuid().ToString("N").Substring(0, 6);

        /// <summary>A token initialised by us in the free slot, with user PIN <paramref name="userPin"/>; deleted by Dispose.</summary>
        private sealed class FreshToken : IDisposable
        {
            public FreshToken(SoftHsmFixture fixture, Pkcs11Library library, string label, string userPin = "1111")
            {
                Fixture = fixture;
                Label = label;
                Pkcs11Token free = library.GetTokens(true).First(t => t.TokenPresent && !t.TokenInitialized);
                Token = Pkcs11Provisioner.InitializeToken(library, free, Bytes(SoPin), label, Bytes(userPin));
            }

            public SoftHsmFixture Fixture { get; }
            public string Label { get; }
            public Pkcs11Token Token { get; }

            // A test that failed keeps its own failure: a removal failing after it must not hide it.
            public void Dispose()
            {
                try { Fixture.RemoveToken(Label); }
                catch (InvalidOperationException ex) { Console.Error.WriteLine(ex.Message); }
            }
        }

        [SkippableFact]
        public void InitialisesTheFreeTokenWithBothPinsAsTheToolsSeeIt()
        {
            string label = NewLabel("Init é");
            using (var shim = host.NewShim())
            using (var library = Load(shim.LibraryPath, "shim"))
            using (var fresh = new FreshToken(host.Fixture, library, label))
            {
                Assert.Equal(label, fresh.Token.Label);
                Assert.True(fresh.Token.TokenInitialized);
                Assert.True(fresh.Token.UserPinInitialized);
                Assert.False(string.IsNullOrWhiteSpace(fresh.Token.SerialNumber));
                // One C_InitToken, one C_Login (as SO, for C_InitPIN), one C_InitPIN: nothing retried.
                Assert.Equal(new[] { (ulong)CKR.CKR_OK }, shim.Returns("InitToken"));
                Assert.Equal(new[] { (ulong)CKR.CKR_OK }, shim.Logins);
                Assert.Equal(new[] { (ulong)CKR.CKR_OK }, shim.Returns("InitPIN"));
                Assert.Contains("Label:            " + label, Tool.Run("softhsm2-util", "--show-slots").Output);
                Assert.Contains("\tURL: " + fresh.Token.Uri + "\n", Tool.Run("p11tool", "--provider", SoftHsmFixture.LibraryPath, "--list-tokens").Output);
                // p11tool logs in with the PIN we set (GNUTLS_PIN), and pkcs11-tool with the SO PIN.
                var login = Tool.Run("p11tool", new[] { "--provider", SoftHsmFixture.LibraryPath, "--login", "--generate-privkey", "ecdsa", "--label", "k", fresh.Token.Uri }, ("GNUTLS_PIN", "1111"));
                Assert.True(login.Exit == 0, login.Output);
                var so = Tool.Run("pkcs11-tool", "--module", SoftHsmFixture.LibraryPath, "--token-label", label, "--session-rw", "--login", "--login-type", "so", "--so-pin", SoPin, "--list-objects");
                Assert.True(so.Exit == 0, so.Output);
            }
        }

        [SkippableFact]
        public void ReinitialisingWithAWrongSoPinIsOneRefusalAndKeepsTheToken()
        {
            string label = NewLabel("Reinit");
            using (var shim = host.NewShim())
            using (var library = Load(shim.LibraryPath, "shim"))
            using (var fresh = new FreshToken(host.Fixture, library, label))
            {
                shim.ResetLog();
                var ex = Assert.Throws<Pkcs11LoginException>(() => Pkcs11Provisioner.InitializeToken(library, fresh.Token, Bytes("0000"), "other"));
                Assert.True(ex.SecurityOfficer);
                Assert.Equal("CKR_PIN_INCORRECT", ex.ReturnValueName);
                Assert.Equal(Pkcs11PinFailure.PinIncorrect, ex.Failure);
                Assert.Contains("SO PIN for token", ex.Message);
                Assert.DoesNotContain("0000", ex.Message);
                Assert.Equal(new[] { (ulong)CKR.CKR_PIN_INCORRECT }, shim.Returns("InitToken"));
                Assert.Empty(shim.Logins);
                Assert.Contains(library.GetTokens(false), t => t.Label == label);
            }
        }

        [SkippableFact]
        public void ChangesTheUserPinWithOneSetPinAndPkcs11ToolChangesItAgain()
        {
            string label = NewLabel("SetPin");
            using (var shim = host.NewShim())
            using (var library = Load(shim.LibraryPath, "shim"))
            using (var fresh = new FreshToken(host.Fixture, library, label))
            {
                shim.ResetLog();
                var wrong = Assert.Throws<Pkcs11LoginException>(() => Pkcs11Provisioner.ChangePin(library, fresh.Token, false, Bytes("0000"), Bytes("2222")));
                Assert.Equal("CKR_PIN_INCORRECT", wrong.ReturnValueName);
                Assert.False(wrong.SecurityOfficer);
                Assert.Equal(new[] { (ulong)CKR.CKR_PIN_INCORRECT }, shim.Returns("SetPIN"));
                Assert.Empty(shim.Logins);

                Pkcs11Provisioner.ChangePin(library, fresh.Token, false, Bytes("1111"), Bytes("2222"));
                Assert.Equal(new[] { (ulong)CKR.CKR_PIN_INCORRECT, (ulong)CKR.CKR_OK }, shim.Returns("SetPIN"));
                Assert.Empty(shim.Logins);
                var change = Tool.Run("pkcs11-tool", "--module", SoftHsmFixture.LibraryPath, "--token-label", label, "--change-pin", "--pin", "2222", "--new-pin", "3333");
                Assert.True(change.Exit == 0, change.Output);
                var old = Tool.Run("pkcs11-tool", "--module", SoftHsmFixture.LibraryPath, "--token-label", label, "--login", "--pin", "2222", "--list-objects");
                Assert.NotEqual(0, old.Exit);
            }
        }

        [SkippableFact]
        public void ChangesTheSoPinAfterOneSoLogin()
        {
            string label = NewLabel("SoPin");
            using (var shim = host.NewShim())
            using (var library = Load(shim.LibraryPath, "shim"))
            using (var fresh = new FreshToken(host.Fixture, library, label))
            {
                shim.ResetLog();
                var wrong = Assert.Throws<Pkcs11LoginException>(() => Pkcs11Provisioner.ChangePin(library, fresh.Token, true, Bytes("0000"), Bytes("87654321")));
                Assert.True(wrong.SecurityOfficer);
                Assert.Equal(new[] { (ulong)CKR.CKR_PIN_INCORRECT }, shim.Logins);
                Assert.Empty(shim.Returns("SetPIN"));
                Pkcs11Provisioner.ChangePin(library, fresh.Token, true, Bytes(SoPin), Bytes("87654321"));
                Assert.Equal(new[] { (ulong)CKR.CKR_PIN_INCORRECT, (ulong)CKR.CKR_OK }, shim.Logins);
                var so = Tool.Run("pkcs11-tool", "--module", SoftHsmFixture.LibraryPath, "--token-label", label, "--session-rw", "--login", "--login-type", "so", "--so-pin", "87654321", "--list-objects");
                Assert.True(so.Exit == 0, so.Output);
            }
        }

        [SkippableFact]
        public void ResetsALockedUserPinThroughSoftHsmsRealInitPinAndReportsTheShimsFinalTryAndLockedStates()
        {
            string label = NewLabel("Reset");
            using (var shim = host.NewShim())
            using (var library = Load(shim.LibraryPath, "shim"))
            using (var fresh = new FreshToken(host.Fixture, library, label))
            {
                // SoftHSM never locks a PIN: the shim reports the states a card would be in.
                shim.AddTokenFlags((ulong)Pkcs11TokenFlags.UserPinFinalTry);
                Pkcs11Token finalTry = library.GetTokens(false).Single(t => t.Label == label);
                Assert.True(finalTry.UserPinFinalTry);
                shim.ResetLog();
                var ex = Assert.Throws<Pkcs11LoginException>(() =>
                    Pkcs11ObjectReader.Read(library, finalTry, new Pkcs11ObjectQuery { Login = true, Pin = Bytes("0000") }));
                Assert.True(ex.PinFinalTry);
                Assert.Contains("One more wrong PIN locks it (CKF_USER_PIN_FINAL_TRY)", ex.Message);
                Assert.Equal(new[] { (ulong)CKR.CKR_PIN_INCORRECT }, shim.Logins);

                shim.AddTokenFlags((ulong)Pkcs11TokenFlags.UserPinLocked);
                Pkcs11Token locked = library.GetTokens(false).Single(t => t.Label == label);
                Assert.True(locked.UserPinLocked);
                shim.ResetLog();
                var wrongSo = Assert.Throws<Pkcs11LoginException>(() => Pkcs11Provisioner.ResetUserPin(library, locked, Bytes("0000"), Bytes("4444")));
                Assert.True(wrongSo.SecurityOfficer);
                Assert.Equal(new[] { (ulong)CKR.CKR_PIN_INCORRECT }, shim.Logins);
                Assert.Empty(shim.Returns("InitPIN"));

                Pkcs11Provisioner.ResetUserPin(library, locked, Bytes(SoPin), Bytes("4444"));
                Assert.Equal(new[] { (ulong)CKR.CKR_PIN_INCORRECT, (ulong)CKR.CKR_OK }, shim.Logins);
                Assert.Equal(new[] { (ulong)CKR.CKR_OK }, shim.Returns("InitPIN"));
                shim.AddTokenFlags(0);
                var login = Tool.Run("pkcs11-tool", "--module", SoftHsmFixture.LibraryPath, "--token-label", label, "--login", "--pin", "4444", "--list-objects");
                Assert.True(login.Exit == 0, login.Output);
            }
        }

        [SkippableFact]
        public void ImportsACertificateWithTheIdOfItsKeyAndP11toolListsAndExportsIt()
        {
            string label = NewLabel("Certs");
            using (var scratch = new Scratch())
            using (var library = Load(SoftHsmFixture.LibraryPath, "softhsm2"))
            using (var fresh = new FreshToken(host.Fixture, library, label))
            {
                string key = scratch.File("key.pem"), der = scratch.File("cert.der"), lone = scratch.File("lone.pem");
                Tool.Check("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-outform", "der", "-out", der, "-subj", "/CN=Paired", "-days", "3");
                Tool.Check("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", scratch.File("lone.key"), "-out", lone, "-subj", "/CN=Lone", "-days", "3");
                Tool.Check("pkcs11-tool", "--module", SoftHsmFixture.LibraryPath, "--token-label", label, "--login", "--pin", "1111", "--write-object", key, "--type", "privkey", "--id", "0a0b", "--label", "the key");

                Pkcs11Object paired = Pkcs11Provisioner.ImportCertificate(library, fresh.Token, File.ReadAllBytes(der), "paired cert", null, true, Bytes("1111"));
                Assert.Equal("0a0b", paired.Id);
                Assert.Equal(Pkcs11ObjectClass.Certificate, paired.Class);
                Assert.Equal(fresh.Token.Uri + ";id=%0A%0B;object=paired%20cert;type=cert", paired.Uri);

                // Without a key on the token the id is the certificate's key id, as p11tool --write gives it.
                byte[] loneDer = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(lone)).RawData;
                Pkcs11Object ours = Pkcs11Provisioner.ImportCertificate(library, fresh.Token, loneDer, "ours", null, true, Bytes("1111"));
                var write = Tool.Run("p11tool", new[] { "--provider", SoftHsmFixture.LibraryPath, "--login", "--write", "--load-certificate", lone, "--label", "theirs", fresh.Token.Uri }, ("GNUTLS_PIN", "1111"));
                Assert.True(write.Exit == 0, write.Output);
                string listing = Tool.Run("p11tool", "--provider", SoftHsmFixture.LibraryPath, "--list-all-certs", fresh.Token.Uri).Output;
                Assert.Contains("\tURL: " + paired.Uri + "\n", listing);
                Assert.Contains("\tURL: " + ours.Uri + "\n", listing);
                Assert.Contains("\tURL: " + ours.Uri.Replace("object=ours", "object=theirs") + "\n", listing);
                string exported = Tool.Run("p11tool", "--provider", SoftHsmFixture.LibraryPath, "--export", paired.Uri).Output;
                // p11tool ends its output with two blank lines.
                Assert.Equal(paired.Pem, exported.TrimEnd('\n') + "\n");
                Assert.Equal("CN=Paired", paired.Certificate.Subject);
            }
        }

        [SkippableFact]
        public void ImportsPrivateDataRenamesItAndRemovesWhatP11toolWrote()
        {
            string label = NewLabel("Data");
            using (var scratch = new Scratch())
            using (var library = Load(SoftHsmFixture.LibraryPath, "softhsm2"))
            using (var fresh = new FreshToken(host.Fixture, library, label))
            {
                byte[] value = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
                Pkcs11Object data = Pkcs11Provisioner.ImportData(library, fresh.Token, value, "secret data", "my app", isPrivate: true, login: true, pin: Bytes("1111"));
                Assert.Equal(Pkcs11ObjectFlags.Token | Pkcs11ObjectFlags.Private | Pkcs11ObjectFlags.Modifiable, data.Flags);
                string read = scratch.File("read.bin");
                Tool.Check("pkcs11-tool", "--module", SoftHsmFixture.LibraryPath, "--token-label", label, "--login", "--pin", "1111", "--read-object", "--type", "data", "--label", "secret data", "--output-file", read);
                Assert.Equal(value, File.ReadAllBytes(read));
                Assert.Contains("application:    'my app'", Tool.Run("pkcs11-tool", "--module", SoftHsmFixture.LibraryPath, "--token-label", label, "--login", "--pin", "1111", "--list-objects", "--type", "data").Output);

                var query = new Pkcs11ObjectQuery { Class = Pkcs11ObjectClass.Data, Label = "secret data", Login = true, Pin = Bytes("1111") };
                var renamed = Assert.Single(Pkcs11Provisioner.Update(library, fresh.Token, query, "renamed", null));
                Assert.Equal(fresh.Token.Uri + ";object=renamed;type=data", renamed.Uri);
                // Data objects have no CKA_ID (PKCS#11 2.40 4.5): the module's refusal, nothing changed.
                var noId = Assert.Throws<Pkcs11ModuleException>(() => Pkcs11Provisioner.Update(library, fresh.Token, new Pkcs11ObjectQuery { Label = "renamed", Login = true, Pin = Bytes("1111") }, "again", new byte[] { 0x42 }));
                Assert.Equal("CKR_ATTRIBUTE_TYPE_INVALID", noId.ReturnValueName);

                string cert = scratch.File("c.pem");
                Tool.Check("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", scratch.File("c.key"), "-out", cert, "-subj", "/CN=Doomed", "-days", "3");
                var write = Tool.Run("p11tool", new[] { "--provider", SoftHsmFixture.LibraryPath, "--login", "--write", "--load-certificate", cert, "--label", "doomed", fresh.Token.Uri }, ("GNUTLS_PIN", "1111"));
                Assert.True(write.Exit == 0, write.Output);
                var relabelled = Assert.Single(Pkcs11Provisioner.Update(library, fresh.Token, new Pkcs11ObjectQuery { Class = Pkcs11ObjectClass.Certificate, Label = "doomed" }, "doomed 2", new byte[] { 0x42 }));
                Assert.Equal(fresh.Token.Uri + ";id=%42;object=doomed%202;type=cert", relabelled.Uri);
                Assert.Contains("\tURL: " + relabelled.Uri + "\n", Tool.Run("p11tool", "--provider", SoftHsmFixture.LibraryPath, "--list-all-certs", fresh.Token.Uri).Output);
                // The chooser sees what the query matches, and only what it picks goes.
                var offered = new List<Pkcs11Object>();
                var certs = new Pkcs11ObjectQuery { Class = Pkcs11ObjectClass.Certificate, Login = true, Pin = Bytes("1111") };
                Assert.Empty(Pkcs11Provisioner.Remove(library, fresh.Token, certs, all => { offered.AddRange(all); return null; }));
                Assert.Equal(new[] { relabelled.Uri }, offered.Select(o => o.Uri));
                var removed = Pkcs11Provisioner.Remove(library, fresh.Token, certs, all => all.Where(o => o.Label == "doomed 2"));
                Assert.Equal(relabelled.Uri, Assert.Single(removed).Uri);
                Assert.DoesNotContain("object=doomed", Tool.Run("p11tool", "--provider", SoftHsmFixture.LibraryPath, "--list-all-certs", fresh.Token.Uri).Output);
            }
        }

        [SkippableFact]
        public void WriteProtectedTokensAndMissingFunctionsAreClearErrorsAndChangeNothing()
        {
            string label = NewLabel("Refuse");
            using (var shim = host.NewShim())
            using (var library = Load(shim.LibraryPath, "shim"))
            using (var fresh = new FreshToken(host.Fixture, library, label))
            {
                shim.AddTokenFlags((ulong)Pkcs11TokenFlags.WriteProtected);
                Pkcs11Token readOnly = library.GetTokens(false).Single(t => t.Label == label);
                shim.ResetLog();
                var ex = Assert.Throws<Pkcs11ModuleException>(() =>
                    Pkcs11Provisioner.ImportData(library, readOnly, new byte[] { 1 }, "x", null, false, true, Bytes("1111")));
                Assert.Equal("CKR_TOKEN_WRITE_PROTECTED", ex.ReturnValueName);
                Assert.Contains("write-protected", ex.Message);
                Assert.Empty(shim.Logins);
                Assert.Empty(shim.Returns("CreateObject"));
                shim.AddTokenFlags(0);

                shim.Fail("SetPIN", 0x54);
                var unsupported = Assert.Throws<Pkcs11ModuleException>(() => Pkcs11Provisioner.ChangePin(library, fresh.Token, false, Bytes("1111"), Bytes("2222")));
                Assert.Equal("CKR_FUNCTION_NOT_SUPPORTED", unsupported.ReturnValueName);
                Assert.Contains("C_SetPIN returned CKR_FUNCTION_NOT_SUPPORTED", unsupported.Message);
                shim.Fail("SetPIN", null);
                var login = Tool.Run("pkcs11-tool", "--module", SoftHsmFixture.LibraryPath, "--token-label", label, "--login", "--pin", "1111", "--list-objects");
                Assert.True(login.Exit == 0, login.Output);

                // A user PIN that cannot be set after C_InitToken: the error says the token was initialised and what is left.
                string second = NewLabel("Half");
                shim.Fail("InitPIN", 0x54);
                Pkcs11Token free = library.GetTokens(true).First(t => t.TokenPresent && !t.TokenInitialized);
                try
                {
                    var half = Assert.Throws<Pkcs11ModuleException>(() => Pkcs11Provisioner.InitializeToken(library, free, Bytes(SoPin), second, Bytes("1111")));
                    Assert.Contains("was initialised as '" + second + "', but setting its user PIN failed (CKR_FUNCTION_NOT_SUPPORTED): set it with Reset-Pkcs11Pin", half.Message);
                    Assert.False(library.GetTokens(false).Single(t => t.Label == second).UserPinInitialized);
                }
                finally
                {
                    shim.Fail("InitPIN", null);
                    host.Fixture.RemoveToken(second);
                }
            }
        }

        [SkippableFact]
        public void RefusesTokenLabelsThatDoNotFit()
        {
            Assert.Equal(32, Pkcs11Provisioner.PaddedLabel("é").Length);
            Assert.Equal(Encoding.UTF8.GetBytes("é").Concat(Enumerable.Repeat((byte)' ', 30)), Pkcs11Provisioner.PaddedLabel("é"));
            Assert.Contains("34 bytes in UTF-8", Assert.Throws<ArgumentException>(() => Pkcs11Provisioner.PaddedLabel(new string('é', 17))).Message);
            Assert.Contains("control character", Assert.Throws<ArgumentException>(() => Pkcs11Provisioner.PaddedLabel("a\nb")).Message);
        }

        private sealed class Scratch : IDisposable
        {
            private readonly string directory = Directory.CreateTempSubdirectory("smartcardps-prov-").FullName;

            public string File(string name) => Path.Combine(directory, name);

            public void Dispose() => Directory.Delete(directory, recursive: true);
        }

        /// <summary>Runs the real tools (their output is the oracle); SOFTHSM2_CONF comes from the fixture's environment.</summary>
        private static class Tool
        {
            public static (int Exit, string Output) Run(string file, params string[] args) => Run(file, args, default);

            public static (int Exit, string Output) Run(string file, string[] args, (string Name, string Value) variable)
            {
                var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (string a in args) psi.ArgumentList.Add(a);
                if (variable.Name != null) psi.Environment[variable.Name] = variable.Value;
                using (var p = Process.Start(psi))
                {
                    var error = p.StandardError.ReadToEndAsync();
                    string output = p.StandardOutput.ReadToEnd();
                    p.WaitForExit();
                    // The output is the oracle when the tool succeeds; on failure its complaint helps more.
                    return (p.ExitCode, p.ExitCode == 0 ? output : output + error.Result);
                }
            }

            public static void Check(string file, params string[] args)
            {
                var result = Run(file, args);
                Assert.True(result.Exit == 0, $"{file} failed: {result.Output}");
            }
        }
    }
}
