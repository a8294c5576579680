using System.Collections.Generic;

namespace SmartCardPS.Setup
{
    /// <summary>
    /// One check of Test-SmartCardSetup. To add a check, add one class implementing this interface with a
    /// public parameterless constructor (under Setup/Checks/): <see cref="SetupRunner"/> finds it by reflection,
    /// runs it at the same time as the others and reports it in <see cref="Order"/>, so a check never relies on
    /// another having run first. Read shared facts (readers, p11-kit registry, tokens, opensc.conf) from the
    /// <see cref="SetupContext"/>, which computes each once per run, and talk to a card or reader only while holding
    /// <see cref="SetupContext.CardAccess"/>. Its results' Name is the class's public const string Name (what -Check
    /// selects and completes). Emit Skip with the reason when the check does not apply on this machine, and a Remedy
    /// for every Warn and Fail.
    /// </summary>
    public interface ISetupCheck
    {
        /// <summary>Where the check runs: the service before readers, readers before tokens (steps of 100 leave room).</summary>
        int Order { get; }

        IEnumerable<SetupCheck> Run(SetupContext context);
    }
}
