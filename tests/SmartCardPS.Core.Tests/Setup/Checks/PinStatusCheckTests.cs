using System.Linq;
using Xunit;
using SmartCardPS.Pkcs11;
using SmartCardPS.Setup;
using SmartCardPS.Setup.Checks;

namespace SmartCardPS.Tests.Setup.Checks
{
    public sealed class PinStatusCheckTests
    {
        private static Pkcs11Token Token(string label, Pkcs11TokenFlags flags) =>
            new Pkcs11Token { Label = label, Module = "opensc", ModulePath = "/usr/lib/opensc-pkcs11.so", Flags = flags | Pkcs11TokenFlags.TokenInitialized };

        [Fact]
        public void RunsAfterTheTokensAndBeforeTheModuleCheck()
        {
            var order = SetupRunner.Checks.Select(c => c.GetType()).ToList();
            Assert.True(order.IndexOf(typeof(TokensVisibleCheck)) < order.IndexOf(typeof(PinStatusCheck)));
            Assert.True(order.IndexOf(typeof(PinStatusCheck)) < order.IndexOf(typeof(ModuleLoadCheck)));
        }

        [Fact]
        public void OneLockedTokenFailsTheCheckAndEveryTokenWithAProblemIsNamed()
        {
            var check = PinStatusCheck.Judge(new[]
            {
                Token("Alice", Pkcs11TokenFlags.UserPinCountLow),
                Token("Fine", Pkcs11TokenFlags.None),
                Token("Bob", Pkcs11TokenFlags.UserPinLocked | Pkcs11TokenFlags.UserPinFinalTry | Pkcs11TokenFlags.UserPinCountLow),
            });
            Assert.Equal(SetupStatus.Fail, check.Status);
            // A locked PIN is not also reported as on its final try, as p11tool's listing does.
            Assert.Equal("'Alice' (opensc): wrong user PINs were entered (count low); 'Bob' (opensc): the user PIN is locked", check.Detail);
            Assert.Contains("'Bob' (opensc): unblock the user PIN with the SO PIN or PUK: pkcs11-tool --module '/usr/lib/opensc-pkcs11.so' --token-label 'Bob' --unlock-pin --login-type so", check.Remedy);
            Assert.DoesNotContain("Fine", check.Remedy);
        }

        [Fact]
        public void NearlyLockedAndToBeChangedAreWarnings()
        {
            Assert.Equal(SetupStatus.Warn, PinStatusCheck.Judge(new[] { Token("A", Pkcs11TokenFlags.SoPinFinalTry | Pkcs11TokenFlags.UserPinToBeChanged) }).Status);
            var pass = PinStatusCheck.Judge(new[] { Token("A", Pkcs11TokenFlags.LoginRequired | Pkcs11TokenFlags.UserPinInitialized) });
            Assert.Equal(SetupStatus.Pass, pass.Status);
            Assert.Null(pass.Remedy);
        }

        [Fact]
        public void ALabelIsEscapedInTheDetailAndQuotedAsAnArgumentInTheRemedy()
        {
            var check = PinStatusCheck.Judge(new[] { Token("x'\u202E\u001b[2J", Pkcs11TokenFlags.UserPinToBeChanged) });
            Assert.StartsWith("'x'\\u202E\\x1B[2J' (opensc): the user PIN must be changed", check.Detail);
            Assert.EndsWith("--token-label 'x''\\u202E\\x1B[2J' --login --change-pin", check.Remedy);
        }
    }
}
