using Xunit;

namespace SmartCardPS.Tests.Support
{
    /// <summary>
    /// Shared by every test of a message that shows untrusted text (reader names, paths, config values): written once
    /// so all of them hold messages to the same rule as UntrustedText itself.
    /// </summary>
    internal static class Escaping
    {
        /// <summary>For messages that show untrusted text: no control, bidi, invisible or line-ending character reaches them raw.</summary>
        internal static void AssertEscaped(string message, params string[] escaped)
        {
            Assert.DoesNotMatch(@"[\p{Cc}\p{Cf}\u2028\u2029]", message);
            foreach (string e in escaped) Assert.Contains(e, message);
        }
    }
}
