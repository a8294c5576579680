using System.Management.Automation;
using SmartCardPS.Setup;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Checks that this machine is set up for smart cards, and says exactly what to do where it is not.</para>
    /// <para type="description">Runs every setup check and emits one SetupCheck per check: Name, Status (Pass, Warn, Fail, Skip), Detail (what was found) and Remedy (the command or file change that fixes it, for this platform and distribution family). The checks follow the ArchWiki Smartcards guide: the PC/SC library loads; the PC/SC service answers; on systemd machines pcscd.socket and pcscd.service exist and are enabled (a missing unit gives the daemon-reload tip); a reader driver is installed; USB readers plugged in are listed by pcscd, or are supported by ccid, or need their vendor's driver; a reader is there; a card is in it; OpenSC's PKCS#11 library is installed and registered with p11-kit; the modules p11-kit loads show tokens; no module p11-kit loads is broken (a broken critical one breaks every p11-kit program); opensc.conf parses and its enable_pinpad agrees with the readers. A check that does not apply says Skip and why. Without a reader, card or token those checks warn; -RequireReader, -RequireCard and -RequireToken make them fail. -Quiet emits only one Boolean, False when any check failed, for scripts and CI. Run it on many machines with Invoke-Command: the results keep their view and gain PSComputerName.</para>
    /// </summary>
    /// <example>
    /// <code>Test-SmartCardSetup</code>
    /// <para>Shows each check's status, name and finding.</para>
    /// </example>
    /// <example>
    /// <code>Test-SmartCardSetup | Where-Object Status -in 'Fail', 'Warn' | Format-List</code>
    /// <para>Shows only the problems, each with its remedy.</para>
    /// </example>
    /// <example>
    /// <code>if (-not (Test-SmartCardSetup -Quiet -RequireReader)) { exit 1 }</code>
    /// <para>A CI step that fails when the setup is broken or no reader is connected.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "SmartCardSetup")]
    [OutputType(typeof(SetupCheck), typeof(bool))]
    public sealed class TestSmartCardSetupCommand : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">Fails the readers check when the PC/SC service lists no reader (otherwise a warning).</para>
        /// </summary>
        [Parameter]
        public SwitchParameter RequireReader { get; set; }

        /// <summary>
        /// <para type="description">Fails the card check when no reader holds a card (otherwise a warning).</para>
        /// </summary>
        [Parameter]
        public SwitchParameter RequireCard { get; set; }

        /// <summary>
        /// <para type="description">Fails the tokens check when no PKCS#11 module shows a token (otherwise a warning).</para>
        /// </summary>
        [Parameter]
        public SwitchParameter RequireToken { get; set; }

        /// <summary>
        /// <para type="description">Emits only True (no check failed) or False, instead of the checks.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void EndProcessing()
        {
            var context = new SetupContext(new SetupOptions { RequireReader = RequireReader, RequireCard = RequireCard, RequireToken = RequireToken });
            bool passed = true;
            foreach (SetupCheck check in SetupRunner.Run(context))
            {
                if (Stopping) return;
                WriteVerbose($"{check.Status} {check.Name}: {check.Detail}");
                if (check.Status == SetupStatus.Fail) passed = false;
                if (!Quiet) WriteObject(check);
            }
            if (Quiet) WriteObject(passed);
        }
    }
}
