using System.IO;
using SmartCardPS.Os;
using Xunit;

namespace SmartCardPS.Tests.Os
{
    /// <summary>The one path comparison every part of the module uses (profiles, NSS databases, udev and p11-kit directories).</summary>
    public class PathComparisonTests
    {
        [Theory]
        [InlineData("/etc/udev/rules.d/", "/etc/udev/rules.d")]
        [InlineData("/etc/udev/rules.d//", "/etc/udev/rules.d")]
        [InlineData("/etc/udev/./rules.d", "/etc/udev/rules.d")]
        [InlineData("/etc/pkcs11/../udev/rules.d", "/etc/udev/rules.d")]
        public void SpellingsOfOneDirectoryAreTheSame(string a, string b)
        {
            Assert.True(PathComparison.Same(a, b));
            Assert.Equal(PathComparison.Absolute(b), PathComparison.Absolute(a));
        }

        [Fact]
        public void TheRootStaysTheRoot()
        {
            Assert.Equal("/", PathComparison.Absolute("/"));
            Assert.True(PathComparison.Same("/", "//"));
        }

        [Fact]
        public void CaseCountsOnUnix()
        {
            Assert.False(PathComparison.Same("/etc/Firefox", "/etc/firefox"));
        }

        [Fact]
        public void ARelativePathIsTakenFromTheCurrentDirectory()
        {
            Assert.True(PathComparison.Same("x/", Path.Combine(Directory.GetCurrentDirectory(), "x")));
        }
    }
}
