using System;
using System.IO;
using SmartCardPS.Pkcs11;
using Xunit;

namespace SmartCardPS.Tests
{
    /// <summary>
    /// As root, a library that a user other than root can change (the file, or any directory above it) is never
    /// loaded: its code would run as root. The tests run as root and give files away to uid 64123.
    /// </summary>
    public sealed class Pkcs11LibraryWritersTests : IDisposable
    {
        private const int User = 64123;
        private readonly string root = Path.Combine(Path.GetTempPath(), "smartcardps-writers-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public Pkcs11LibraryWritersTests() => Directory.CreateDirectory(root);

        public void Dispose() => Directory.Delete(root, recursive: true);

        private static void SkipUnlessRoot() => Requires.Dependency(UnixFile.IsRoot(), "root (to give files away)");

        private string Library(string directory)
        {
            string installed = InstalledLibraries.InModuleDirectory("p11-kit-trust.so");
            Directory.CreateDirectory(directory);
            string copy = Path.Combine(directory, "trust.so");
            File.Copy(installed, copy);
            return copy;
        }

        [SkippableTheory]
        [InlineData("owner", "uid 64123")]
        [InlineData("mode", "every user")]
        [InlineData("group", "group")]
        [InlineData("directory", "uid 64123")]
        [InlineData("ancestor", "every user")]
        public void ALibraryAnotherUserCanChangeIsNotLoadedAsRoot(string how, string who)
        {
            SkipUnlessRoot();
            string library = Library(Path.Combine(root, "a", "b"));
            switch (how)
            {
                case "owner": Assert.True(UnixFile.TryChown(library, User, User)); break;
                case "mode": UnixFile.SetMode(library, 0x1B6); break; // 0666
                case "group": UnixFile.SetMode(library, 0x1F4); break; // 0764
                case "directory": Assert.True(UnixFile.TryChown(Path.GetDirectoryName(library), User, User)); break;
                default: UnixFile.SetMode(Path.Combine(root, "a"), 0x1FF); break; // 0777
            }
            string problem = Pkcs11LibraryWriters.Problem(library);
            Assert.Contains(who, problem);
            var ex = Assert.Throws<Pkcs11ModuleException>(() => Pkcs11Library.Load(library).Dispose());
            Assert.Equal(Pkcs11FailureKind.Untrusted, ex.Kind);
            Assert.Contains(who, ex.Message);
            var refusal = Assert.Throws<Pkcs11RegistrationException>(() => Pkcs11Registrar.Probe(library));
            Assert.Equal(Pkcs11RegistrationFailure.UntrustedLibrary, refusal.Failure);
        }

        [SkippableFact]
        public void ALinkIntoAUsersDirectoryIsJudgedByWhereItLeads()
        {
            SkipUnlessRoot();
            string library = Library(Path.Combine(root, "user"));
            Assert.True(UnixFile.TryChown(Path.GetDirectoryName(library), User, User));
            string trusted = Path.Combine(root, "trusted");
            Directory.CreateDirectory(trusted);
            string link = Path.Combine(trusted, "link.so");
            File.CreateSymbolicLink(link, library);
            Assert.Contains("uid 64123", Pkcs11LibraryWriters.Problem(link));
        }

        [SkippableFact]
        public void ARootOwnedLibraryBelowAStickyDirectoryLoads()
        {
            SkipUnlessRoot();
            string sticky = Path.Combine(root, "sticky");
            string library = Library(Path.Combine(sticky, "lib"));
            UnixFile.SetMode(sticky, 0x3FF); // 01777, as /tmp
            Assert.Null(Pkcs11LibraryWriters.Problem(library));
            using (var lib = Pkcs11Library.Load(library)) Assert.Equal("PKCS#11 Kit", lib.GetInfo().LibraryManufacturer);
        }
    }
}
