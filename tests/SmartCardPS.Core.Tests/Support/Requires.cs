using System;
using SmartCardPS.TestFixture;
using Xunit;
using Xunit.Sdk;

namespace SmartCardPS.Tests.Support
{
    /// <summary>
    /// The one way a test gives up for something missing from the machine: it skips with <c>what</c> as the reason,
    /// except under CI (any truthy CI value), where a missing dependency fails the test and names what is missing.
    /// </summary>
    internal static class Requires
    {
        public static void Dependency(bool present, string what)
        {
            if (present) return;
            if (PcscFixture.IsCi) throw new XunitException($"Missing under CI (where nothing may be skipped): {what}.");
            Skip.If(true, $"{what} is missing");
        }
    }
}
