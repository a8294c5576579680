using System.Collections.Generic;
using System.IO;
using System.Linq;
using System;
using SmartCardPS.Os;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;
using SmartCardPS.TestFixture;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.P11Kit
{
    /// <summary>The registration service on config trees in temporary directories, with real PKCS#11 libraries.</summary>
    public sealed class Pkcs11RegistrarTests : IDisposable
    {
        private readonly string root = Path.Combine(Path.GetTempPath(), "smartcardps-registrar-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        private readonly Pkcs11RegistryPaths paths;

        public Pkcs11RegistrarTests()
        {
            paths = TemporaryRegistryPaths.Under(root);
            Directory.CreateDirectory(paths.ModuleDirectory);
        }

        public void Dispose() => Directory.Delete(root, recursive: true);

        private Pkcs11Registrar Registrar() => new Pkcs11Registrar(Pkcs11Registry.Load(paths));

        private static Pkcs11RegistrationFailure Refusal(Action action) => Assert.Throws<Pkcs11RegistrationException>(action).Failure;

        private string Write(string dir, string name, string content)
        {
            Directory.CreateDirectory(dir);
            string file = Path.Combine(dir, name + ".module");
            File.WriteAllText(file, content);
            return file;
        }

        /// <summary>A real library of the machine's p11-kit module directory, copied into the test's module directory.</summary>
        private string Library(string fileName, string copyAs = null)
        {
            string installed = InstalledLibraries.InModuleDirectory(fileName);
            string copy = Path.Combine(paths.ModuleDirectory, copyAs ?? fileName);
            File.Copy(installed, copy, overwrite: true);
            return copy;
        }

        [Theory]
        [InlineData("opensc")]
        [InlineData("p11-kit_trust.2")]
        [InlineData("A")]
        public void NamesP11KitReadsStayInTheScopeDirectory(string name)
        {
            var registrar = Registrar();
            Assert.Equal(Path.Combine(paths.SystemModuleDirectory, name + ".module"), registrar.ConfigFileFor(name, Pkcs11ConfigScope.System));
            Assert.Equal(Path.Combine(paths.UserModuleDirectory, name + ".module"), registrar.ConfigFileFor(name, Pkcs11ConfigScope.User));
            Assert.Equal(registrar.ConfigDirectory(Pkcs11Registrar.DefaultScope), Path.GetDirectoryName(registrar.ConfigFileFor(name, null)));
        }

        [Theory]
        [InlineData("../escaped")]
        [InlineData("..")]
        [InlineData("a/b")]
        [InlineData("a\\b")]
        [InlineData("/etc/passwd")]
        [InlineData(".hidden")]
        [InlineData("with space")]
        [InlineData("")]
        [InlineData(null)]
        public void NamesThatLeaveTheDirectoryOrThatP11KitIgnoresAreRefused(string name)
        {
            Assert.False(Pkcs11Registrar.IsValidName(name));
            Assert.Equal(Pkcs11RegistrationFailure.InvalidName, Refusal(() => Registrar().ConfigFileFor(name, Pkcs11ConfigScope.System)));
        }

        [Theory]
        [InlineData("/etc/pkcs11/modules/../escaped.module")]
        [InlineData("modules/../../x.module")]
        [InlineData("/etc/pkcs11/modules/opensc.conf")]
        [InlineData("/etc/pkcs11/modules/opensc.module.bak")]
        [InlineData("/etc/pkcs11/modules/.opensc.module")]
        public void ConfigPathsThatClimbOutOrThatP11KitIgnoresAreRefused(string path)
        {
            var ex = Assert.Throws<Pkcs11RegistrationException>(() => Pkcs11Registrar.CheckConfigPath(path, Path.GetFullPath(path)));
            Assert.Equal(Pkcs11RegistrationFailure.InvalidPath, ex.Failure);
            Assert.Contains(path.Contains("..") ? "'..'" : "name.module", ex.Message);
        }

        [Fact]
        public void APipedModuleIsRemovedOnlyFromP11KitsConfigDirectories()
        {
            string inside = Write(paths.PackageModuleDirectory, "m", "module: m.so\n");
            var registrar = Registrar();
            Assert.Equal(inside, registrar.ConfigFileOf(registrar.Registry.Modules.Single()));
            string outside = Write(root, "forged", "module: m.so\n");
            foreach (string file in new[] { outside, Path.Combine(paths.SystemModuleDirectory, "..", "forged.module"), Path.Combine(paths.SystemModuleDirectory, "m.conf"), null })
            {
                Assert.Equal(Pkcs11RegistrationFailure.InvalidPath, Refusal(() => registrar.ConfigFileOf(new Pkcs11Module { Name = "forged", ConfigFile = file })));
            }
        }

        [Fact]
        public void BareLibraryNamesResolveOnlyInTheModuleDirectoryAsP11KitResolvesThem()
        {
            string inModuleDir = Path.Combine(paths.ModuleDirectory, "a.so");
            File.WriteAllText(inModuleDir, "");
            // A file in the current location is loaded only when named as a path (./b.so), never by a bare name.
            string elsewhere = Path.Combine(root, "b.so");
            File.WriteAllText(elsewhere, "");
            var registry = Pkcs11Registry.Load(paths);
            Assert.Equal(inModuleDir, registry.ResolveLibrary("a.so", Path.Combine(root, "a.so")));
            Assert.Null(registry.ResolveLibrary("b.so", elsewhere));
            Assert.Equal(elsewhere, registry.ResolveLibrary("./b.so", elsewhere));
            Assert.Null(registry.ResolveLibrary("c.so", Path.Combine(root, "c.so")));
            Assert.Equal("/nonexistent/c.so", registry.ResolveLibrary("/nonexistent/c.so", "/nonexistent/c.so"));
            Assert.Equal(Path.Combine(root, "x", "c.so"), registry.ResolveLibrary("x/c.so", Path.Combine(root, "x", "c.so")));
            var notFound = new List<string>();
            Assert.Empty(registry.Resolve(new[] { "b.so" }, v => Path.Combine(root, v), notFound));
            Assert.Equal(new[] { "b.so" }, notFound);
        }

        [Fact]
        public void ModulesResolveByNameOrLibraryOnceEach()
        {
            Write(paths.PackageModuleDirectory, "m", "module: a.so\n");
            File.WriteAllText(Path.Combine(paths.ModuleDirectory, "a.so"), "");
            string other = Path.Combine(root, "other.so");
            File.WriteAllText(other, "");
            var registry = Pkcs11Registry.Load(paths);
            var notFound = new List<string>();
            var modules = registry.Resolve(new[] { "m", "a.so", Path.Combine(paths.ModuleDirectory, "a.so"), other, "nothing" }, v => Path.Combine(root, v), notFound);
            Assert.Equal(new[] { "m", "other.so" }, modules.Select(m => m.Name));
            Assert.True(modules[1].Enabled);
            Assert.Equal(new[] { "nothing" }, notFound);
            Assert.Equal(new[] { "m" }, registry.ResolveForUri(null, null, v => v, notFound).Select(m => m.Name));
            Assert.Equal(new[] { "m" }, registry.ResolveForUri(null, "m", v => v, notFound).Select(m => m.Name));
            Assert.Equal(new[] { "other.so" }, registry.ResolveForUri(other, "m", v => v, notFound).Select(m => m.Name));
        }

        [SkippableFact]
        public void RegistersAWorkingModuleByFileNameAndReportsItAsP11KitSeesIt()
        {
            string trust = Library("p11-kit-trust.so");
            var registrar = Registrar();
            var plan = registrar.Prepare(new Pkcs11ModuleRegistration
            {
                Library = trust,
                ConfigFile = registrar.ConfigFileFor("trust", Pkcs11ConfigScope.System),
                Priority = 4,
                DisableIn = new[] { "firefox" },
                TrustPolicy = true,
                Critical = true,
            });
            Assert.Equal("p11-kit-trust.so", plan.ModuleSetting);
            Assert.False(Directory.Exists(paths.SystemModuleDirectory));
            var module = registrar.Register(plan);
            Assert.Equal("trust", module.Name);
            Assert.Equal(trust, module.Path);
            Assert.Equal(Pkcs11ModuleSource.System, module.Source);
            Assert.Equal(4, module.Priority);
            Assert.True(module.TrustPolicy);
            Assert.True(module.Critical);
            Assert.Equal(new[] { "firefox" }, module.DisableIn);
            Assert.Equal("PKCS#11 Kit", module.LibraryManufacturer);

            // Found again under any name in a config p11-kit reads; a user config under P11_KIT_NO_USER_CONFIG is never
            // read, so it registers nothing and blocks nothing, and writing one is refused (issue 23, item 1).
            paths.IgnoreUserConfig = true;
            var again = new Pkcs11ModuleRegistration { Library = trust, ConfigFile = Registrar().ConfigFileFor("other", Pkcs11ConfigScope.System) };
            var ex = Assert.Throws<Pkcs11RegistrationException>(() => Registrar().Prepare(again));
            Assert.Equal(Pkcs11RegistrationFailure.AlreadyRegistered, ex.Failure);
            Assert.Equal(module.ConfigFile, ((Pkcs11Module)ex.Target).ConfigFile);
            File.Delete(module.ConfigFile);
            Write(paths.UserModuleDirectory, "elsewhere", $"module: {trust}\n");
            Assert.Equal(again.ConfigFile, Registrar().Register(Registrar().Prepare(again)).ConfigFile);
            var user = new Pkcs11ModuleRegistration { Library = trust, ConfigFile = Registrar().ConfigFileFor("mine", Pkcs11ConfigScope.User), Force = true };
            Assert.Equal(Pkcs11RegistrationFailure.UserScopeNotRead, Refusal(() => Registrar().Prepare(user)));
            Assert.False(File.Exists(user.ConfigFile));
        }

        [SkippableFact]
        public void AnExistingFileForAnotherLibraryIsLeftAloneWithoutForce()
        {
            string trust = Library("p11-kit-trust.so");
            string file = Write(paths.SystemModuleDirectory, "trust", "module: something-else.so\n");
            var ex = Assert.Throws<Pkcs11RegistrationException>(() => Registrar().Prepare(new Pkcs11ModuleRegistration { Library = trust, ConfigFile = file }));
            Assert.Equal(Pkcs11RegistrationFailure.FileExists, ex.Failure);
            Assert.Contains("something-else.so", ex.Message);
            Assert.Equal("module: something-else.so\n", File.ReadAllText(file));
        }

        [SkippableFact]
        public void OnlyWorkingPkcs11ModulesAreRegistered()
        {
            _ = Library("p11-kit-trust.so");
            string text = Path.Combine(root, "text.so");
            File.WriteAllText(text, "not a library");
            string libz = InstalledLibraries.Libz();
            var registrar = Registrar();
            string target = registrar.ConfigFileFor("x", Pkcs11ConfigScope.System);
            Assert.Equal(Pkcs11RegistrationFailure.NotFound, Refusal(() => registrar.Prepare(new Pkcs11ModuleRegistration { Library = Path.Combine(root, "missing.so"), ConfigFile = target })));
            var notLoadable = Assert.Throws<Pkcs11RegistrationException>(() => registrar.Prepare(new Pkcs11ModuleRegistration { Library = text, ConfigFile = target }));
            Assert.Equal(Pkcs11RegistrationFailure.NotPkcs11, notLoadable.Failure);
            Assert.IsType<Pkcs11ModuleException>(notLoadable.InnerException);
            if (libz != null) Assert.Equal(Pkcs11RegistrationFailure.NotPkcs11, Refusal(() => registrar.Prepare(new Pkcs11ModuleRegistration { Library = libz, ConfigFile = target })));
            Assert.False(Directory.Exists(paths.SystemModuleDirectory));
        }

        [SkippableFact]
        public void TheOpenScShortcutRegistersAndRemovesOnlyOpenSc()
        {
            string trust = Library("p11-kit-trust.so");
            string renamed = Library("opensc-pkcs11.so", "renamed-pkcs11.so");
            var registrar = Registrar();
            string target = registrar.ConfigFileFor("trust", Pkcs11ConfigScope.System);
            Assert.Equal(Pkcs11RegistrationFailure.NotOpenSc, Refusal(() => registrar.Prepare(new Pkcs11ModuleRegistration { Library = trust, ConfigFile = target, OpenScOnly = true })));
            Assert.True(Pkcs11Registrar.IsOpenSc(renamed, null));
            string renamedFile = registrar.Register(registrar.Prepare(new Pkcs11ModuleRegistration
            {
                Library = renamed,
                ConfigFile = registrar.ConfigFileFor("renamed", Pkcs11ConfigScope.System),
                OpenScOnly = true,
            })).ConfigFile;

            string trustFile = Write(paths.SystemModuleDirectory, "trust", "module: p11-kit-trust.so\n");
            registrar = Registrar();
            Assert.Equal(Pkcs11RegistrationFailure.NotOpenSc, Refusal(() => registrar.PrepareRemoval(trustFile, openScOnly: true)));
            Assert.Equal("p11-kit-trust.so", registrar.PrepareRemoval(trustFile, openScOnly: false).ModuleSetting);
            Assert.Equal("renamed-pkcs11.so", registrar.PrepareRemoval(renamedFile, openScOnly: true).ModuleSetting);
            registrar.Unregister(renamedFile);
            Assert.False(File.Exists(renamedFile));
            Assert.Equal(Pkcs11RegistrationFailure.NotFound, Refusal(() => registrar.PrepareRemoval(renamedFile, openScOnly: true)));
        }

        [SkippableFact]
        public void RootHasNoUserConfigsWhateverHomeSaysAndItsUserScopeIsRefused()
        {
            Requires.Dependency(UnixFile.IsRoot(), "root (p11-kit's rule for root)");
            var defaults = Pkcs11RegistryPaths.Default();
            Assert.Null(defaults.UserModuleDirectory);
            Assert.Null(defaults.UserConfigFile);
            Assert.True(defaults.IgnoreUserConfig);
            var registrar = new Pkcs11Registrar(Pkcs11Registry.Load(defaults));
            Assert.DoesNotContain(registrar.Registry.AllConfigs(), m => m.Source == Pkcs11ModuleSource.User);
            var ex = Assert.Throws<Pkcs11RegistrationException>(() => registrar.ConfigFileFor("m", Pkcs11ConfigScope.User));
            Assert.Equal(Pkcs11RegistrationFailure.UserScopeAsRoot, ex.Failure);
            Assert.Contains("p11-kit reads no user configs for root", ex.Message);
            Assert.Equal(Path.Combine(defaults.SystemModuleDirectory, "m.module"), registrar.ConfigFileFor("m", null));
        }

        [SkippableFact]
        public void WriteFailuresAreClassifiedAndLeaveNothingBehind()
        {
            string trust = Library("p11-kit-trust.so");
            var registrar = Registrar();
            // A file where the config directory should be: the write fails after every check passed.
            File.WriteAllText(Path.Combine(root, "etc"), "");
            var plan = registrar.Prepare(new Pkcs11ModuleRegistration { Library = trust, ConfigFile = registrar.ConfigFileFor("trust", Pkcs11ConfigScope.System) });
            var ex = Assert.Throws<Pkcs11RegistrationException>(() => registrar.Register(plan));
            Assert.Equal(Pkcs11RegistrationFailure.WriteFailed, ex.Failure);
            Assert.Contains(plan.ConfigFile, ex.Message);
            Assert.Equal("", File.ReadAllText(Path.Combine(root, "etc")));
        }
    }
}
