using System.Collections.Generic;
using System.Linq;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>
    /// No token's user or SO PIN is locked (Fail), nearly locked or due for a change (Warn), read from the CK_TOKEN_INFO
    /// flags the modules report: what a fleet admin wants to see before the user calls for help (OpenSC #478, #2647).
    /// </summary>
    public sealed class PinStatusCheck : ISetupCheck
    {
        public const string Name = "PKCS#11 PINs";

        public int Order => 1050;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            if (!context.Registry.Paths.P11KitPresent)
            {
                yield return new SetupCheck(Name, SetupStatus.Skip, context.Registry.Paths.AbsenceReason);
                yield break;
            }
            var tokens = context.ModuleProbes.SelectMany(p => p.Tokens).ToList();
            if (tokens.Count == 0)
            {
                yield return new SetupCheck(Name, SetupStatus.Skip, "no module p11-kit loads shows a token whose PINs could be asked for");
                yield break;
            }
            yield return Judge(tokens);
        }

        /// <summary>One verdict for all tokens: Fail when any PIN is locked, Warn when any is nearly locked or must be changed.</summary>
        public static SetupCheck Judge(IReadOnlyCollection<Pkcs11Token> tokens)
        {
            var details = new List<string>();
            var remedies = new List<string>();
            bool locked = false;
            foreach (Pkcs11Token token in tokens)
            {
                var problems = new List<string>();
                string who = $"{UntrustedText.Quote(token.Label)} ({UntrustedText.Escape(token.Module)})";
                string tool = $"pkcs11-tool --module {UntrustedText.Argument(token.ModulePath)} --token-label {UntrustedText.Argument(token.Label)}";
                Pkcs11TokenFlags f = token.Flags;
                if (Has(f, Pkcs11TokenFlags.UserPinLocked))
                {
                    locked = true;
                    problems.Add("the user PIN is locked");
                    remedies.Add($"{who}: unblock the user PIN with the SO PIN or PUK: {tool} --unlock-pin --login-type so (tokens that support it), " +
                        "or the card vendor's unblock tool (yubico-piv-tool -a unblock-pin for a YubiKey's PIV, gpg --card-edit then admin and passwd for an OpenPGP card)");
                }
                else if (Has(f, Pkcs11TokenFlags.UserPinFinalTry) || Has(f, Pkcs11TokenFlags.UserPinCountLow))
                {
                    problems.Add(Has(f, Pkcs11TokenFlags.UserPinFinalTry) ? "the next wrong user PIN locks it (final try)" : "wrong user PINs were entered (count low)");
                    remedies.Add($"{who}: log in once with the right user PIN, which resets the count ({tool} --login --list-objects); " +
                        "if the PIN is forgotten, do not guess: have it unblocked with the SO PIN or PUK");
                }
                if (Has(f, Pkcs11TokenFlags.UserPinToBeChanged))
                {
                    problems.Add("the user PIN must be changed (initial or expired)");
                    remedies.Add($"{who}: {tool} --login --change-pin");
                }
                if (Has(f, Pkcs11TokenFlags.SoPinLocked))
                {
                    locked = true;
                    problems.Add("the SO PIN is locked");
                    remedies.Add($"{who}: a locked SO PIN cannot be unblocked through PKCS#11 (re-initialising the token needs it too): only the card vendor's reset recovers the token, erasing its keys (ykman piv reset for a YubiKey's PIV)");
                }
                else if (Has(f, Pkcs11TokenFlags.SoPinFinalTry) || Has(f, Pkcs11TokenFlags.SoPinCountLow))
                {
                    problems.Add(Has(f, Pkcs11TokenFlags.SoPinFinalTry) ? "the next wrong SO PIN locks it (final try)" : "wrong SO PINs were entered (count low)");
                    remedies.Add($"{who}: log in once with the right SO PIN, which resets the count ({tool} --login --login-type so --list-objects)");
                }
                if (Has(f, Pkcs11TokenFlags.SoPinToBeChanged))
                {
                    problems.Add("the SO PIN must be changed (initial or expired)");
                    remedies.Add($"{who}: {tool} --login --login-type so --change-pin");
                }
                if (problems.Count > 0) details.Add($"{who}: {string.Join(", ", problems)}");
            }
            if (details.Count == 0)
                return new SetupCheck(Name, SetupStatus.Pass, $"no PIN is locked, nearly locked or due for a change on {tokens.Count} token(s): " +
                    string.Join(", ", tokens.Select(t => UntrustedText.Quote(t.Label))));
            return new SetupCheck(Name, locked ? SetupStatus.Fail : SetupStatus.Warn, string.Join("; ", details), string.Join("; ", remedies));
        }

        private static bool Has(Pkcs11TokenFlags flags, Pkcs11TokenFlags flag) => (flags & flag) != 0;
    }
}
