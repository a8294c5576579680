using System;
using System.Collections.Generic;
using System.IO;
using SmartCardPS.Nss;
using SmartCardPS.OpenSc;
using SmartCardPS.P11Kit;
using SmartCardPS.Tests.Support;
using Xunit;

namespace SmartCardPS.Tests.Nss
{
    /// <summary>The library Register-NssModule writes into pkcs11.txt, found among the machine's real
    /// libraries.</summary>
    public sealed class NssModuleLibraryTests : IDisposable
    {
        private readonly string scratch = Path.Combine(Path.GetTempPath(), "smartcardps-nsslib-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        private readonly List<string> asked = new List<string>();

        public NssModuleLibraryTests() => Directory.CreateDirectory(scratch);

        public void Dispose() => Directory.Delete(scratch, true);

        /// <summary>The current location of the test: the scratch directory; records what it was asked.</summary>
        private string FullPath(string value)
        {
            asked.Add(value);
            return Path.GetFullPath(value, scratch);
        }

        [SkippableFact]
        public void WithoutAPathItIsOpenScOrP11KitProxyWhereTheyAreInstalled()
        {
            string openSc = InstalledLibraries.InModuleDirectory(OpenScLibrary.LinuxFileName);
            Assert.Equal(openSc, NssModuleLibrary.Find(null, false, FullPath));
            string proxy = NssModuleLibrary.Find(null, true, FullPath);
            Assert.True(NssModuleLibrary.IsP11KitProxy(proxy));
            Assert.True(File.Exists(proxy));
            Assert.Empty(asked);
        }

        [SkippableFact]
        public void ABareNameIsLookedForInP11KitsModuleDirectoryOnlyAsRegisterOpenScModuleDoes()
        {
            string trust = InstalledLibraries.InModuleDirectory("p11-kit-trust.so");
            Assert.Equal(trust, NssModuleLibrary.Find("p11-kit-trust.so", false, FullPath));
            Assert.Empty(asked);
            // Not in the module directory: never the file of that name where the command runs (whoever can write there
            // would choose what Firefox loads); ./name names it, made absolute for Firefox.
            File.Copy(trust, Path.Combine(scratch, "mine.so"));
            var ex = Assert.Throws<NssException>(() => NssModuleLibrary.Find("mine.so", false, FullPath));
            Assert.Equal(NssFailure.NotFound, ex.Failure);
            Assert.Contains("such as ./mine.so", ex.Message);
            Assert.Empty(asked);
            Assert.Equal(Path.Combine(scratch, "mine.so"), NssModuleLibrary.Find("./mine.so", false, FullPath));
            Assert.Equal(new[] { "./mine.so" }, asked);
        }

        [SkippableFact]
        public void AMissingFileOrOneThatIsNoPkcs11LibraryIsRefusedFromTheFile()
        {
            var ex = Assert.Throws<NssException>(() => NssModuleLibrary.Find("./nothere.so", false, FullPath));
            Assert.Equal(NssFailure.NotFound, ex.Failure);
            Assert.Equal(Path.Combine(scratch, "nothere.so"), ex.Target);
            Assert.EndsWith("does not exist.", ex.Message);
            string libz = InstalledLibraries.Libz();
            Requires.Dependency(libz != null, "libz.so.1");
            ex = Assert.Throws<NssException>(() => NssModuleLibrary.Find(libz, false, FullPath));
            Assert.Equal(NssFailure.NotPkcs11, ex.Failure);
            Assert.Equal(libz, ex.Target);
            Assert.EndsWith("Firefox could not load it. Nothing was changed.", ex.Message);
        }

        [SkippableFact]
        public void NotInstalledSaysHowToInstallWithTheHintRegisterOpenScModuleGives()
        {
            Pkcs11RegistryPaths paths = TemporaryRegistryPaths.Under(scratch);
            Skip.If(OpenScLibrary.Find(paths.ModuleDirectory) != null, "OpenSC is installed outside p11-kit's module directory");
            var ex = Assert.Throws<NssException>(() => NssModuleLibrary.Find(null, false, FullPath, paths));
            Assert.Equal(NssFailure.NotFound, ex.Failure);
            Assert.Null(ex.Target);
            var registrar = new Pkcs11Registrar(Pkcs11Registry.Load(paths));
            Assert.Equal(Assert.Throws<Pkcs11RegistrationException>(() => registrar.FindOpenSc()).Message, ex.Message);
            Assert.Contains("Install OpenSC (e.g. apt-get install opensc-pkcs11) or give its path with -ModulePath.", ex.Message);

            Skip.If(NssModuleLibrary.FindP11KitProxy(paths.ModuleDirectory) != null, "p11-kit-proxy is installed in /usr/lib or /usr/lib64");
            ex = Assert.Throws<NssException>(() => NssModuleLibrary.Find(null, true, FullPath, paths));
            Assert.Equal(NssFailure.NotFound, ex.Failure);
            Assert.Contains("Install p11-kit (e.g. apt-get install p11-kit-modules) or give its path with -ModulePath.", ex.Message);
        }
    }
}
