using System;
using System.IO;
using SmartCardPS.Os;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;
using Xunit;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.Pkcs11
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
                case "owner": Shell($"chown {User}:{User} '{library}'"); break;
                case "mode": Shell($"chmod 666 '{library}'"); break;
                case "group": Shell($"chmod 764 '{library}'"); break;
                case "directory": Shell($"chown {User}:{User} '{Path.GetDirectoryName(library)}'"); break;
                default: Shell($"chmod 777 '{Path.Combine(root, "a")}'"); break;
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
            Shell($"chown {User}:{User} '{Path.GetDirectoryName(library)}'");
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
            Shell($"chmod 1777 '{sticky}'"); // as /tmp
            Assert.Null(Pkcs11LibraryWriters.Problem(library));
            using (var lib = Pkcs11Library.Load(library)) Assert.Equal("PKCS#11 Kit", lib.GetInfo().LibraryManufacturer);
        }

        private static void Shell(string command) => SmartCardPS.TestFixture.FileAttacker.Shell(command);
    }
}
