using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System;
using SmartCardPS.Nss;
using SmartCardPS.Setup.Checks;
using SmartCardPS.Setup;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Setup.Checks
{
    public sealed class FirefoxModuleCheckTests : IDisposable
    {
        private readonly string root = Path.Combine(Path.GetTempPath(), "smartcardps-ffcheck-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public FirefoxModuleCheckTests() => Directory.CreateDirectory(root);

        public void Dispose() => Directory.Delete(root, true);

        private FirefoxProfile Profile(string name, string pkcs11Txt)
        {
            string dir = Path.Combine(root, name);
            Directory.CreateDirectory(dir);
            if (pkcs11Txt != null) File.WriteAllText(Path.Combine(dir, "pkcs11.txt"), pkcs11Txt);
            return new FirefoxProfile { Name = name, Path = dir };
        }

        private static List<SetupCheck> Run(params FirefoxProfile[] profiles) =>
            new FirefoxModuleCheck(() => profiles.ToList()).Run(new SetupContext(new SetupOptions())).ToList();

        [Fact]
        public void IsFoundAfterTheOtherChecks() =>
            Assert.Equal(typeof(FirefoxModuleCheck), SetupRunner.Checks.Last().GetType());

        [Fact]
        public void SkipsWithoutProfiles() =>
            Assert.Equal(SetupStatus.Skip, Assert.Single(Run()).Status);

        [Fact]
        public void PassesForOpenScOrP11KitProxyAndFailsWithTheRegisterRemedyOtherwise()
        {
            var checks = Run(
                Profile("opensc", "library=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so\nname=CAC Module\n\n"),
                Profile("proxy", "library=/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so\nname=p11-kit-proxy\n\n"),
                Profile("other", "library=/usr/lib/softhsm/libsofthsm2.so\nname=SoftHSM\n\n"),
                Profile("fresh", null));
            Assert.Equal(new[] { SetupStatus.Pass, SetupStatus.Pass, SetupStatus.Fail, SetupStatus.Fail }, checks.Select(c => c.Status));
            Assert.Contains("'CAC Module'", checks[0].Detail);
            Assert.Equal("Register-NssModule -Profile 'other'", checks[2].Remedy);
            Assert.Contains("neither OpenSC nor p11-kit-proxy", checks[3].Detail);
        }

        [Fact]
        public void ProfileAndModuleNamesAreEscaped()
        {
            var checks = Run(
                Profile("ev\u001b[2Jil\u202E", "library=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so\nname=CAC\u202EeludoM\u200B\n\n"),
                Profile("oth\u202Eer", "library=/usr/lib/softhsm/libsofthsm2.so\nname=SoftHSM\n\n"));
            Assert.Equal(new[] { SetupStatus.Pass, SetupStatus.Fail }, checks.Select(c => c.Status));
            Escaping.AssertEscaped(checks[0].Detail, "'ev\\x1B[2Jil\\u202E'", "'CAC\\u202EeludoM\\u200B'");
            Escaping.AssertEscaped(checks[1].Detail, "'oth\\u202Eer'");
            Escaping.AssertEscaped(checks[1].Remedy, "'oth\\u202Eer'");
        }

        [Fact]
        public void TheRegisterRemedyCanBePastedForAProfileNameWithQuotes()
        {
            var checks = Run(Profile("Bob's ‘work’", "library=/usr/lib/softhsm/libsofthsm2.so\nname=SoftHSM\n\n"));
            // PowerShell reads each of ' ‘ ’ as a single quote, and a doubled one as that character.
            Assert.Equal("Register-NssModule -Profile 'Bob''s ‘‘work’’'", Assert.Single(checks).Remedy);
            Assert.Contains("'Bob's ‘work’'", checks[0].Detail);
        }

        /// <summary>python3's lockf holds .parentlock as Firefox does, but has not loaded OpenSC: restart.</summary>
        [SkippableFact]
        public void WarnsToRestartAFirefoxThatHasNotLoadedTheModule()
        {
            Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/usr/bin/python3"), "Linux with python3");
            FirefoxProfile profile = Profile("running", "library=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so\nname=OpenSC\n\n");
            File.WriteAllText(Path.Combine(profile.Path, ".parentlock"), "");
            using (var holder = NssTools.HoldParentLock(profile.Path))
            {
                SetupCheck check = Assert.Single(Run(profile));
                Assert.Equal(SetupStatus.Warn, check.Status);
                Assert.Equal("Restart Firefox.", check.Remedy);
                Assert.Contains($"process {holder.Id}", check.Detail);
                holder.StandardInput.Close();
                holder.WaitForExit();
            }
            Assert.Equal(SetupStatus.Pass, Assert.Single(Run(profile)).Status);
        }
    }
}
