using System.Collections.Generic;
using System.Linq;
using SmartCardPS.OpenSc;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>opensc.conf parses, and its enable_pinpad agrees with the readers, as the ArchWiki advises.</summary>
    public sealed class PinPadCheck : ISetupCheck
    {
        public const string Name = "OpenSC PIN pad setting";

        public int Order => 1200;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            OpenScConfigFile file = context.OpenScConfig;
            if (file == null)
            {
                OpenScConfigException ex = context.OpenScConfigError;
                yield return new SetupCheck(Name, SetupStatus.Fail, $"OpenSC cannot read its configuration: {ex.Problem} at line {ex.Line} of {ex.Path}",
                    $"fix line {ex.Line} of {ex.Path} (every setting ends with ';', every '{{' has its '}}')");
                yield break;
            }
            OpenScConfiguration config = file.ToConfiguration();
            if (context.Readers == null || context.Readers.Count == 0)
            {
                yield return new SetupCheck(Name, SetupStatus.Skip, $"enable_pinpad = {Word(config.EnablePinPad)} in {config.Path}; there is no reader to compare it with");
                yield break;
            }
            // Telling PIN pad readers apart needs the reader's features (SCardControl GET_FEATURE_REQUEST), which the
            // card-connection layer provides; until it is in this build the comparison cannot be made.
            yield return new SetupCheck(Name, SetupStatus.Skip,
                $"enable_pinpad = {Word(config.EnablePinPad)} in {config.Path}; whether the readers have PIN pads cannot be asked yet (reader features are not in this build)");
        }

        /// <summary>The verdict once each reader's PIN pad is known.</summary>
        public static SetupCheck Judge(OpenScConfiguration config, IReadOnlyCollection<KeyValuePair<string, bool>> readerHasPinPad)
        {
            var pads = readerHasPinPad.Where(r => r.Value).Select(r => "'" + r.Key + "'").ToList();
            if (config.EnablePinPad && pads.Count == 0)
                return new SetupCheck(Name, SetupStatus.Warn,
                    $"enable_pinpad = true{(config.EnablePinPadSet ? "" : " (OpenSC's default)")} in {config.Path}, but no reader has a PIN pad",
                    "Set-OpenScConfiguration -EnablePinPad $false");
            if (!config.EnablePinPad && pads.Count > 0)
                return new SetupCheck(Name, SetupStatus.Warn,
                    $"enable_pinpad = false in {config.Path}, so the PIN pad of {string.Join(", ", pads)} is not used and PINs are typed on the keyboard",
                    "Set-OpenScConfiguration -EnablePinPad $true");
            return new SetupCheck(Name, SetupStatus.Pass, $"enable_pinpad = {Word(config.EnablePinPad)} in {config.Path}; " +
                (pads.Count > 0 ? "PIN pad readers: " + string.Join(", ", pads) : "no reader has a PIN pad"));
        }

        private static string Word(bool value) => value ? "true" : "false";
    }
}
