using System;
using System.IO;
using System.Linq;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.P11Kit
{
    /// <summary>The registry's p11-kit rules, on config trees in temporary directories.</summary>
    public sealed class Pkcs11RegistryTests : IDisposable
    {
        private readonly string root = Path.Combine(Path.GetTempPath(), "smartcardps-registry-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        private readonly Pkcs11RegistryPaths paths;

        public Pkcs11RegistryTests()
        {
            paths = TemporaryRegistryPaths.Under(root);
        }

        public void Dispose()
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }

        private string Write(string dir, string file, string content)
        {
            Directory.CreateDirectory(dir);
            string path = Path.Combine(dir, file);
            File.WriteAllText(path, content);
            return path;
        }

        private Pkcs11Module Only(Pkcs11Registry registry, string name) => Assert.Single(registry.Modules, m => m.Name == name);

        [Fact]
        public void MergesKeyByKeyUserOverSystemOverPackage()
        {
            Write(paths.PackageModuleDirectory, "m.module", "module: pkg.so\npriority: 1\ncritical: yes\nx-extra: package\n");
            string system = Write(paths.SystemModuleDirectory, "m.module", "module: sys.so\ntrust-policy: yes\n");
            Write(paths.UserModuleDirectory, "m.module", "priority: 7\n");
            var m = Only(Pkcs11Registry.Load(paths), "m");
            Assert.Equal("sys.so", m.ModuleSetting);
            Assert.Equal(Path.Combine(paths.ModuleDirectory, "sys.so"), m.Path);
            Assert.Equal(system, m.ConfigFile);
            Assert.Equal(Pkcs11ModuleSource.System, m.Source);
            Assert.Equal(7, m.Priority);
            Assert.True(m.Critical);
            Assert.True(m.TrustPolicy);
            Assert.Equal("package", m.Settings["x-extra"]);
            Assert.Equal(3, m.ConfigFiles.Length);
            Assert.EndsWith(Path.Combine("home", "modules", "m.module"), m.ConfigFiles[0]);
        }

        [SkippableFact]
        public void TheDefaultPathsIgnoreUserConfigsExactlyWhenRunAsRoot()
        {
            Skip.If(Environment.GetEnvironmentVariable("P11_KIT_NO_USER_CONFIG") != null, "P11_KIT_NO_USER_CONFIG is set, which hides the root rule");
            // p11-kit never reads a user's configs for root: a root process listing them would list modules p11-kit does not load.
            // Environment.UserName comes from the effective uid, apart from the code under test.
            Assert.Equal(Environment.UserName == "root", Pkcs11RegistryPaths.Default().IgnoreUserConfig);
        }

        [Fact]
        public void UserConfigsAreIgnoredForRootOrNoUserConfig()
        {
            Write(paths.PackageModuleDirectory, "m.module", "module: pkg.so\n");
            Write(paths.UserModuleDirectory, "m.module", "module: user.so\n");
            Write(paths.UserModuleDirectory, "mine.module", "module: mine.so\n");
            paths.IgnoreUserConfig = true;
            var registry = Pkcs11Registry.Load(paths);
            Assert.False(registry.UserConfigRead);
            Assert.Equal("pkg.so", Only(registry, "m").ModuleSetting);
            Assert.DoesNotContain(registry.Modules, x => x.Name == "mine");
        }

        [Theory]
        [InlineData(null, null, "user.so", true, true)]
        [InlineData("merge", null, "user.so", true, true)]
        [InlineData("none", null, "pkg.so", true, false)]
        [InlineData("none", "merge", "pkg.so", true, false)]
        [InlineData(null, "none", "pkg.so", true, false)]
        [InlineData("only", null, "user.so", false, true)]
        [InlineData("override", null, "user.so", false, true)]
        [InlineData(null, "only", "user.so", false, true)]
        [InlineData("only", "merge", "user.so", true, true)]
        public void UserConfigModeDecidesWhichConfigsCount(string systemMode, string userMode, string expected, bool packageOnlyListed, bool userRead)
        {
            if (systemMode != null) Write(Path.GetDirectoryName(paths.SystemConfigFile), "pkcs11.conf", "user-config: " + systemMode + "\n");
            if (userMode != null) Write(Path.GetDirectoryName(paths.UserConfigFile), "pkcs11.conf", "user-config: " + userMode + "\n");
            Write(paths.PackageModuleDirectory, "m.module", "module: pkg.so\n");
            Write(paths.PackageModuleDirectory, "packageonly.module", "module: p.so\n");
            Write(paths.UserModuleDirectory, "m.module", "module: user.so\n");
            var registry = Pkcs11Registry.Load(paths);
            Assert.Equal(expected, Only(registry, "m").ModuleSetting);
            Assert.Equal(packageOnlyListed, registry.Modules.Any(x => x.Name == "packageonly"));
            Assert.Equal(userRead, registry.UserConfigRead);
        }

        [Fact]
        public void IgnoresFilesWhoseNamesP11KitRejects()
        {
            Write(paths.PackageModuleDirectory, "good_1.2-x.module", "module: a.so\n");
            Write(paths.PackageModuleDirectory, ".hidden.module", "module: b.so\n");
            Write(paths.PackageModuleDirectory, "backup.module~", "module: c.so\n");
            Write(paths.PackageModuleDirectory, "plain.conf", "module: d.so\n");
            Write(paths.PackageModuleDirectory, "sp ace.module", "module: e.so\n");
            Write(paths.PackageModuleDirectory, ".module", "module: f.so\n");
            Assert.Equal(new[] { "good_1.2-x" }, Pkcs11Registry.Load(paths).Modules.Select(m => m.Name));
        }

        [Fact]
        public void ABlankModuleLineInAHigherSourceDisablesTheModule()
        {
            Write(paths.PackageModuleDirectory, "m.module", "module: pkg.so\n");
            Write(paths.SystemModuleDirectory, "m.module", "module:\n");
            var m = Only(Pkcs11Registry.Load(paths), "m");
            Assert.Null(m.Path);
            Assert.False(m.Enabled);
        }

        [Fact]
        public void OrdersByPriorityThenName()
        {
            Write(paths.PackageModuleDirectory, "b.module", "module: b.so\n");
            Write(paths.PackageModuleDirectory, "a.module", "module: a.so\n");
            Write(paths.PackageModuleDirectory, "z.module", "module: z.so\npriority: 5\n");
            Write(paths.PackageModuleDirectory, "y.module", "module: y.so\npriority: 1\n");
            Assert.Equal(new[] { "z", "y", "a", "b" }, Pkcs11Registry.Load(paths).Modules.Select(m => m.Name));
        }

        [Theory]
        [InlineData("enable-in: pwsh, gnome-shell\n", true)]
        [InlineData("enable-in: firefox\n", false)]
        [InlineData("enable-in:\n", false)]
        [InlineData("disable-in: pwsh\n", false)]
        [InlineData("disable-in: firefox p11-kit-proxy\n", true)]
        public void EnableInAndDisableInAreMatchedAgainstTheProgram(string setting, bool enabled)
        {
            Write(paths.PackageModuleDirectory, "m.module", "module: m.so\n" + setting);
            Assert.Equal(enabled, Only(Pkcs11Registry.Load(paths), "m").Enabled);
        }

        [Theory]
        [InlineData("yes", true)]
        [InlineData("no", false)]
        [InlineData("true", false)]
        [InlineData("Yes", false)]
        [InlineData("1", false)]
        public void BooleansAreExactlyYesOrNo(string value, bool expected)
        {
            Write(paths.PackageModuleDirectory, "m.module", "module: m.so\ncritical: " + value + "\ntrust-policy: " + value + "\n");
            var m = Only(Pkcs11Registry.Load(paths), "m");
            Assert.Equal(expected, m.Critical);
            Assert.Equal(expected, m.TrustPolicy);
        }

        [Fact]
        public void AbsoluteModulePathsStayAndRelativeOnesResolveOnlyInTheModuleDirectory()
        {
            Write(paths.PackageModuleDirectory, "abs.module", "module: /opt/vendor/lib/p11.so\n");
            Write(paths.PackageModuleDirectory, "rel.module", "module: sub/p11.so\n");
            var registry = Pkcs11Registry.Load(paths);
            Assert.Equal("/opt/vendor/lib/p11.so", Only(registry, "abs").Path);
            Assert.Equal(Path.Combine(paths.ModuleDirectory, "sub/p11.so"), Only(registry, "rel").Path);
        }

        [Fact]
        public void AnUnreadableFileIsAWarningAndTheOthersStillLoad()
        {
            string bad = Write(paths.PackageModuleDirectory, "bad.module", "module: a.so\nthis line has no colon\n");
            Write(paths.PackageModuleDirectory, "good.module", "# comment\n\n  module:  g.so  \n");
            var registry = Pkcs11Registry.Load(paths);
            Assert.Equal("g.so", Only(registry, "good").ModuleSetting);
            Assert.DoesNotContain(registry.Modules, m => m.Name == "bad");
            Assert.Contains(registry.Warnings, w => w.StartsWith($"'{bad}': ", StringComparison.Ordinal));
        }

        [Fact]
        public void WithoutP11KitTheRegistryIsEmpty()
        {
            Write(paths.PackageModuleDirectory, "m.module", "module: m.so\n");
            paths.P11KitPresent = false;
            Assert.Empty(Pkcs11Registry.Load(paths).Modules);
        }

        [Fact]
        public void AllConfigsListsEveryFileEvenShadowedAndUserOnes()
        {
            Write(paths.PackageModuleDirectory, "m.module", "module: pkg.so\n");
            Write(paths.SystemModuleDirectory, "m.module", "module: sys.so\n");
            Write(paths.UserModuleDirectory, "other.module", "module: pkg.so\n");
            paths.IgnoreUserConfig = true;
            var all = Pkcs11Registry.Load(paths).AllConfigs().ToList();
            Assert.Equal(3, all.Count);
            Assert.Equal(new[] { Pkcs11ModuleSource.User, Pkcs11ModuleSource.System, Pkcs11ModuleSource.Package }, all.Select(m => m.Source));
            Assert.Equal(new[] { "pkg.so", "sys.so", "pkg.so" }, all.Select(m => m.ModuleSetting));
        }
    }
}
