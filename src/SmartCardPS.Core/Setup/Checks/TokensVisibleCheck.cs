using System.Collections.Generic;
using System.Linq;
using SmartCardPS.Text;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>The modules p11-kit loads show at least one token (a failure only with -RequireToken).</summary>
    public sealed class TokensVisibleCheck : ISetupCheck
    {
        public const string Name = "PKCS#11 tokens";

        public int Order => 1000;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            if (!context.Registry.Paths.P11KitPresent)
            {
                yield return new SetupCheck(Name, context.Options.RequireToken ? SetupStatus.Fail : SetupStatus.Skip, context.Registry.Paths.AbsenceReason,
                    context.Options.RequireToken ? "install p11-kit and register a PKCS#11 module (Register-OpenScModule)" : null);
                yield break;
            }
            var tokens = context.ModuleProbes.SelectMany(p => p.Tokens).ToList();
            if (tokens.Count == 0)
            {
                yield return new SetupCheck(Name, context.Options.RequireToken ? SetupStatus.Fail : SetupStatus.Warn,
                    $"none of the {context.ModuleProbes.Count} module(s) p11-kit loads shows a token",
                    "insert the card or token; for smart cards OpenSC must be registered (Register-OpenScModule) and support the card (opensc-tool -n names it)");
                yield break;
            }
            yield return new SetupCheck(Name, SetupStatus.Pass, string.Join(", ", tokens.Select(t => $"{UntrustedText.Quote(t.Label)} ({UntrustedText.Escape(t.Module)})")));
        }
    }
}
