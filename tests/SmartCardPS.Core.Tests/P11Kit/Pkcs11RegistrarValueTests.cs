using System;
using System.IO;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.P11Kit
{
    /// <summary>
    /// Values written into a p11-kit config: p11-kit reads it line by line and trims each value, so a newline in a
    /// value is a new line (a remote: command, a second module:) and a blank at either end is lost.
    /// </summary>
    public sealed class Pkcs11RegistrarValueTests : IDisposable
    {
        private readonly string root = Path.Combine(Path.GetTempPath(), "smartcardps-values-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        private readonly Pkcs11RegistryPaths paths;

        public Pkcs11RegistrarValueTests()
        {
            paths = TemporaryRegistryPaths.Under(root);
            Directory.CreateDirectory(paths.ModuleDirectory);
        }

        public void Dispose() => Directory.Delete(root, recursive: true);

        private Pkcs11Registrar Registrar() => new Pkcs11Registrar(Pkcs11Registry.Load(paths));

        [Theory]
        [InlineData("EnableIn", "ff\nremote: |/bin/sh", "\\x0A")]
        [InlineData("EnableIn", "ff\rx", "\\x0D")]
        [InlineData("EnableIn", "a,b", "','")]
        [InlineData("EnableIn", "a b", "' '")]
        [InlineData("EnableIn", "", "empty")]
        [InlineData("DisableIn", "ff\u2028remote: |/bin/sh", "\\u2028")]
        [InlineData("DisableIn", "ff\u0085x", "\\x85")]
        [InlineData("DisableIn", "ff\u007F", "\\x7F")]
        [InlineData("DisableIn", "ff\u2029", "\\u2029")]
        [InlineData("ModulePath", "/lib/x\nremote: |/bin/sh", "\\x0A")]
        [InlineData("ModulePath", "/lib/x.so ", "blank")]
        [InlineData("ModulePath", "/lib/x.so\t", "\\x09")]
        public void AValueThatWouldBreakTheConfigIsRefusedBeforeTheLibraryIsLoaded(string parameter, string value, string named)
        {
            // The library does not exist: a check made after loading it would say NotFound instead.
            var request = new Pkcs11ModuleRegistration
            {
                Library = parameter == "ModulePath" ? value : Path.Combine(root, "missing.so"),
                ConfigFile = Registrar().ConfigFileFor("m", Pkcs11ConfigScope.System),
                EnableIn = parameter == "EnableIn" ? new[] { "p11tool", value } : null,
                DisableIn = parameter == "DisableIn" ? new[] { value } : null,
            };
            var ex = Assert.Throws<Pkcs11RegistrationException>(() => Registrar().Prepare(request));
            Assert.Equal(Pkcs11RegistrationFailure.InvalidValue, ex.Failure);
            Assert.Contains("-" + parameter, ex.Message);
            Assert.Contains(named, ex.Message);
            Assert.DoesNotContain("\n", ex.Message);
            Assert.False(Directory.Exists(paths.SystemModuleDirectory));
        }

        [SkippableFact]
        public void ALibraryFileNameWhoseTailIsNotAConfigLineIsRefusedAndNothingIsWritten()
        {
            // Once a NullReferenceException after the broken config was on disk.
            string installed = InstalledLibraries.InModuleDirectory("p11-kit-trust.so");
            string library = Path.Combine(paths.ModuleDirectory, "trust\n:tail.so");
            File.Copy(installed, library);
            var registrar = Registrar();
            var ex = Assert.Throws<Pkcs11RegistrationException>(() => registrar.Prepare(new Pkcs11ModuleRegistration
            {
                Library = library,
                ConfigFile = registrar.ConfigFileFor("trust", Pkcs11ConfigScope.System),
            }));
            Assert.Equal(Pkcs11RegistrationFailure.InvalidValue, ex.Failure);
            Assert.Contains("-ModulePath", ex.Message);
            Assert.False(Directory.Exists(paths.SystemModuleDirectory));
        }

        [Fact]
        public void RenderedTextThatDoesNotReadBackAsIntendedIsRefused()
        {
            var intended = new Pkcs11ModuleRegistration { Priority = 3, EnableIn = new[] { "p11tool" }, TrustPolicy = true };
            string content = Pkcs11ConfigWriter.Render("a.so", 3, intended.EnableIn, null, trustPolicy: true);
            Assert.Null(Pkcs11ConfigCheck.ReadBackProblem(content, "a.so", intended));
            foreach (string tampered in new[]
            {
                content + "module: b.so\n",
                content + "remote: |/bin/sh\n",
                content.Replace("priority: 3", "priority: 4"),
                content.Replace("p11tool", "p11tool, ff"),
                content.Replace("trust-policy: yes\n", string.Empty),
                content + "critical: yes\n",
                content + ":\n",
            })
            {
                Assert.NotNull(Pkcs11ConfigCheck.ReadBackProblem(tampered, "a.so", intended));
            }
        }
    }
}
