using System.Collections.Generic;
using System.Linq;
using SmartCardPS.OpenSc;
using SmartCardPS.Pcsc;
using SmartCardPS.Text;

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
                yield return new SetupCheck(Name, SetupStatus.Fail, $"OpenSC cannot read its configuration: {ex.Problem} at line {ex.Line} of {UntrustedText.Escape(ex.Path)}",
                    $"fix line {ex.Line} of {UntrustedText.Escape(ex.Path)} (every setting ends with ';', every '{{' has its '}}')");
                yield break;
            }
            OpenScConfiguration config = file.ToConfiguration();
            if (context.Readers == null || context.Readers.Count == 0)
            {
                yield return new SetupCheck(Name, SetupStatus.Skip, $"enable_pinpad = {Word(config.EnablePinPad)} in {UntrustedText.Escape(config.Path)}; there is no reader to compare it with");
                yield break;
            }
            // Each reader is asked for its part 10 features (SCardControl GET_FEATURE_REQUEST). A reader that refuses
            // or cannot be reached has no PIN pad as far as OpenSC can tell; only a failing service leaves it unknown.
            var known = new List<KeyValuePair<string, bool>>();
            var unknown = new List<string>();
            lock (context.CardAccess)
            {
                foreach (SmartCardReader reader in context.Readers)
                {
                    try
                    {
                        if (reader.HasPinPad == null) reader.ReadFeatures();
                        known.Add(new KeyValuePair<string, bool>(reader.Name, reader.HasPinPad == true));
                    }
                    catch (PcscException ex)
                    {
                        unknown.Add($"{UntrustedText.Quote(reader.Name)} ({ex.ErrorName})");
                    }
                }
            }
            if (known.Count == 0)
            {
                yield return new SetupCheck(Name, SetupStatus.Skip,
                    $"enable_pinpad = {Word(config.EnablePinPad)} in {UntrustedText.Escape(config.Path)}; the features of no reader could be read: {string.Join(", ", unknown)}");
                yield break;
            }
            SetupCheck verdict = Judge(config, known);
            if (unknown.Count > 0)
                verdict = new SetupCheck(Name, verdict.Status, $"{verdict.Detail}; the features of {string.Join(", ", unknown)} could not be read", verdict.Remedy);
            yield return verdict;
        }

        /// <summary>The verdict once each reader's PIN pad is known.</summary>
        public static SetupCheck Judge(OpenScConfiguration config, IReadOnlyCollection<KeyValuePair<string, bool>> readerHasPinPad)
        {
            var pads = readerHasPinPad.Where(r => r.Value).Select(r => UntrustedText.Quote(r.Key)).ToList();
            if (config.EnablePinPad && pads.Count == 0)
                return new SetupCheck(Name, SetupStatus.Warn,
                    $"enable_pinpad = true{(config.EnablePinPadSet ? "" : " (OpenSC's default)")} in {UntrustedText.Escape(config.Path)}, but no reader has a PIN pad",
                    "Set-OpenScConfiguration -EnablePinPad $false");
            if (!config.EnablePinPad && pads.Count > 0)
                return new SetupCheck(Name, SetupStatus.Warn,
                    $"enable_pinpad = false in {UntrustedText.Escape(config.Path)}, so the PIN pad of {string.Join(", ", pads)} is not used and PINs are typed on the keyboard",
                    "Set-OpenScConfiguration -EnablePinPad $true");
            return new SetupCheck(Name, SetupStatus.Pass, $"enable_pinpad = {Word(config.EnablePinPad)} in {UntrustedText.Escape(config.Path)}; " +
                (pads.Count > 0 ? "PIN pad readers: " + string.Join(", ", pads) : "no reader has a PIN pad"));
        }

        private static string Word(bool value) => value ? "true" : "false";
    }
}
