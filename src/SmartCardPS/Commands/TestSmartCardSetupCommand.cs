using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.Setup;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Checks that this machine is set up for smart cards, and says exactly what to do where it
    /// is not.</para>
    /// <para type="description">Runs every setup check and emits one SetupCheck per check: Name, Status (Pass, Warn,
    /// Fail, Skip), Detail (what was found) and Remedy (the command or file change that fixes it, for this platform and
    /// distribution family). The checks follow the ArchWiki Smartcards guide: the PC/SC library loads; the PC/SC
    /// service answers; on systemd machines pcscd.socket and pcscd.service exist and are enabled (a missing unit gives
    /// the daemon-reload tip); a reader driver is installed; USB readers plugged in are listed by pcscd, or are
    /// supported by ccid, or need their vendor's driver; a reader is there; a card is in it; OpenSC's PKCS#11 library
    /// is installed and registered with p11-kit; the modules p11-kit loads show tokens; no module p11-kit loads is
    /// broken (a broken critical one breaks every p11-kit program); no token's user or SO PIN is locked (Fail), nearly
    /// locked or due for a change (Warn); opensc.conf parses and its enable_pinpad agrees with the readers. A check
    /// that does not apply says Skip and why. The checks run at once and report in order; each result's Elapsed is its
    /// check's own time, and -Check runs a subset by name. -ReportPath also writes a JUnit XML report for CI systems to
    /// show. Without a reader, card or token those checks warn; -RequireReader, -RequireCard and -RequireToken make
    /// them fail. -Quiet emits only one Boolean, False when any check failed, for scripts and CI. Run it on many
    /// machines with Invoke-Command: the results keep their view and gain PSComputerName.</para>
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
    /// <example>
    /// <code>Test-SmartCardSetup -Check 'PKCS#11 tokens', 'PKCS#11 PINs' -ReportPath $HOME/smartcard-setup.xml</code>
    /// <para>Runs two checks only and also writes them as a JUnit XML report, for a CI system to show.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "SmartCardSetup")]
    [OutputType(typeof(SetupCheck), typeof(bool))]
    public sealed class TestSmartCardSetupCommand : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">Fails the readers check when the PC/SC service lists no reader (otherwise a
        /// warning).</para>
        /// </summary>
        [Parameter]
        public SwitchParameter RequireReader { get; set; }

        /// <summary>
        /// <para type="description">Fails the card check when no reader holds a card (otherwise a warning).</para>
        /// </summary>
        [Parameter]
        public SwitchParameter RequireCard { get; set; }

        /// <summary>
        /// <para type="description">Fails the tokens check when no PKCS#11 module shows a token (otherwise a
        /// warning).</para>
        /// </summary>
        [Parameter]
        public SwitchParameter RequireToken { get; set; }

        /// <summary>
        /// <para type="description">Emits only True (no check failed) or False, instead of the checks.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <summary>
        /// <para type="description">Runs only the checks of these names (as the results name them: 'PC/SC service',
        /// 'PKCS#11 PINs'; wildcards allowed; tab-completed). A literal name that is no check is an error.</para>
        /// </summary>
        [Parameter(HelpMessage = "Names of the checks to run; wildcards are allowed.")]
        [ArgumentCompleter(typeof(SetupCheckNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Check { get; set; }

        /// <summary>
        /// <para type="description">Also writes the results as a JUnit XML report to this file, for CI systems to show
        /// (one testcase per result: Fail as a failure, Skip as skipped, Warn as a passed testcase with a system-out
        /// note; the Detail and Remedy as the message). The file is replaced whole on each run, never left
        /// half-written; its directory must exist.</para>
        /// </summary>
        [Parameter(HelpMessage = "A JUnit XML report file to write.")]
        [ValidateNotNullOrEmpty]
        public string ReportPath { get; set; }

        protected override void EndProcessing()
        {
            IReadOnlyList<ISetupCheck> checks = SetupRunner.Checks;
            if (Check != null)
            {
                checks = SelectByName(checks, Check, SetupRunner.NameOf, name => $"There is no setup check named {UntrustedText.Quote(name)}; the checks are: {string.Join(", ", SetupRunner.Checks.Select(SetupRunner.NameOf))}.");
                if (checks.Count == 0) return;
            }
            var context = new SetupContext(new SetupOptions { RequireReader = RequireReader, RequireCard = RequireCard, RequireToken = RequireToken });
            var clock = Stopwatch.StartNew();
            DateTime started = DateTime.UtcNow;
            var results = new List<SetupCheck>();
            // Some checks take seconds (OpenSC probing a card, systemctl): say which one the results wait for.
            // A new record each time: the progress stream keeps the records it is given, not copies.
            foreach (SetupCheck check in SetupRunner.Run(context, checks, (name, index, count) =>
                WriteProgress(new ProgressRecord(0, "Test-SmartCardSetup", $"Checking {name} ({index + 1} of {count})") { PercentComplete = index * 100 / count })))
            {
                if (Stopping) return;
                WriteVerbose($"{check.Status} {check.Name}: {check.Detail} ({check.Elapsed.TotalMilliseconds:0} ms)");
                results.Add(check);
                if (!Quiet) WriteObject(check);
            }
            WriteProgress(new ProgressRecord(0, "Test-SmartCardSetup", "Done") { RecordType = ProgressRecordType.Completed });
            if (ReportPath != null) WriteReport(results, started, clock.Elapsed);
            if (Quiet) WriteObject(results.All(r => r.Status != SetupStatus.Fail));
        }

        private void WriteReport(IReadOnlyCollection<SetupCheck> results, DateTime started, TimeSpan elapsed)
        {
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ReportPath);
            try
            {
                JUnitReport.Write(path, results, started, elapsed);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteFileError(ex, path, "give -ReportPath a file in a directory you may write.", failedReason: "ReportWriteFailed");
            }
        }
    }
}
