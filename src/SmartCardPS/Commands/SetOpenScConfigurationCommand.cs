using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.OpenSc;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes settings in OpenSC's configuration file (opensc.conf), such as enable_pinpad,
    /// keeping everything else.</para>
    /// <para type="description">Edits the file Get-OpenScConfiguration reads (OPENSC_CONF, the platform's default, or
    /// -Path). Each given setting is written in the app default block (debug, debug_file) or its reader_driver pcsc
    /// block (the others); a setting already there keeps its place and only its value changes, and missing blocks are
    /// created. Every comment, blank line and unrelated setting stays byte for byte. The file is replaced atomically (a
    /// temporary file in the same directory, then renamed) and keeps its mode; a new file is 0644. A malformed file
    /// (unbalanced braces, a missing semicolon) is refused with its line number and never rewritten. A file already
    /// saying what was asked is not touched. As the ArchWiki advises, set -EnablePinPad $false when the readers have no
    /// PIN pad.</para>
    /// </summary>
    /// <example>
    /// <code>sudo pwsh -c 'Set-OpenScConfiguration -EnablePinPad $false'</code>
    /// <para>The ArchWiki step for readers without a PIN pad: enable_pinpad = false; in the system's
    /// opensc.conf.</para>
    /// </example>
    /// <example>
    /// <code>Set-OpenScConfiguration -Path ./opensc.conf -DebugLevel 3 -DebugFile stderr -WhatIf</code>
    /// <para>Shows what would change to make OpenSC log to stderr, without writing.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "OpenScConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(OpenScConfiguration))]
    public sealed class SetOpenScConfigurationCommand : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">The opensc.conf to change; by default OPENSC_CONF, else the platform's default
        /// file.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The opensc.conf to change.")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>
        /// <para type="description">enable_pinpad: whether OpenSC asks a reader's PIN pad for the PIN. False for
        /// readers without one.</para>
        /// </summary>
        [Parameter(HelpMessage = "enable_pinpad: whether OpenSC uses the readers' PIN pads.")]
        public bool EnablePinPad { get; set; }

        /// <summary>
        /// <para type="description">enable_pace: whether OpenSC uses PACE through the reader.</para>
        /// </summary>
        [Parameter(HelpMessage = "enable_pace: whether OpenSC uses PACE through the reader.")]
        public bool EnablePace { get; set; }

        /// <summary>
        /// <para type="description">connect_exclusive: whether OpenSC connects to cards exclusively.</para>
        /// </summary>
        [Parameter(HelpMessage = "connect_exclusive: whether OpenSC connects exclusively.")]
        public bool ConnectExclusive { get; set; }

        /// <summary>
        /// <para type="description">disconnect_action: what OpenSC does to the card when it disconnects (leave, reset,
        /// unpower).</para>
        /// </summary>
        [Parameter(HelpMessage = "disconnect_action: leave, reset or unpower.")]
        [ValidateSet("leave", "reset", "unpower")]
        public string DisconnectAction { get; set; }

        /// <summary>
        /// <para type="description">debug: OpenSC's log level, 0 (off) to 9.</para>
        /// </summary>
        [Parameter(HelpMessage = "debug: OpenSC's log level, 0 to 9.")]
        [ValidateRange(0, 9)]
        public int DebugLevel { get; set; }

        /// <summary>
        /// <para type="description">debug_file: where OpenSC logs (a file, stdout or stderr).</para>
        /// </summary>
        [Parameter(HelpMessage = "debug_file: a file, stdout or stderr.")]
        [ValidateNotNullOrEmpty]
        public string DebugFile { get; set; }

        /// <summary>
        /// <para type="description">Replaces a read-only opensc.conf and, as root, writes into a directory another user
        /// can write (the file is still written without following links).</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// <para type="description">Emits the configuration as it is after the change.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (!ValuesAreGood()) return;
            string path = Path == null ? OpenScConfigFile.DefaultPath() : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            OpenScConfigFile file;
            try
            {
                file = OpenScConfigFile.Load(path);
            }
            catch (OpenScConfigException ex)
            {
                WriteError(NewError(ex, "InvalidFile", ErrorCategory.InvalidData, path));
                return;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                if (!TryWriteUnsafePathError(ex, path)) WriteError(NewError(ex, "ReadFailed", ErrorCategory.ReadError, path));
                return;
            }
            var changes = new List<string>();
            foreach (var (parameter, block, key, value) in Requested())
            {
                try
                {
                    if (file.Set(block, key, value)) changes.Add(key + " = " + UntrustedText.Quote(value));
                }
                catch (InvalidDataException ex)
                {
                    WriteError(NewError(new ArgumentException(ex.Message, parameter, ex), "InvalidValue", ErrorCategory.InvalidArgument, value));
                    return;
                }
            }
            if (changes.Count > 0 && ShouldProcess(UntrustedText.Escape(path), "Set " + string.Join(", ", changes)))
            {
                try
                {
                    file.Save(Force);
                }
                catch (OpenScConfigException ex)
                {
                    WriteError(NewError(ex, "InvalidFile", ErrorCategory.InvalidData, path));
                    return;
                }
                catch (InvalidDataException ex)
                {
                    // Made again on the file as another writer left it, the edit would not read back as set.
                    WriteError(NewError(ex, "InvalidFile", ErrorCategory.InvalidData, path));
                    return;
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    WriteFileError(ex, path, "run elevated (sudo), or point OPENSC_CONF or -Path at a file you own.");
                    return;
                }
            }
            if (PassThru) WriteObject(OpenScConfigFile.Load(path).ToConfiguration());
        }

        /// <summary>
        /// Refuses a string value OpenSC would read differently, before the file is read: a control character
        /// (ControlCharacter; a ValidateSet lets some through, as it compares the way the culture does) or one of
        /// ; " { } # (InvalidValue), which end the value or the line in opensc.conf. The message names the character
        /// escaped, which a ValidatePattern's binding error would not.
        /// </summary>
        private bool ValuesAreGood()
        {
            foreach (var (parameter, value) in new[] { (nameof(DebugFile), DebugFile), (nameof(DisconnectAction), DisconnectAction) })
            {
                string problem = ConfigValue.ControlCharacterProblem(parameter, value, "opensc.conf");
                string reason = "ControlCharacter";
                int stop = value?.IndexOfAny(new[] { ';', '"', '{', '}', '#' }) ?? -1;
                if (problem == null && stop >= 0)
                {
                    problem = $"-{parameter} {UntrustedText.Quote(value)} holds '{value[stop]}', which would end the value in opensc.conf; nothing was written.";
                    reason = "InvalidValue";
                }
                if (problem == null) continue;
                WriteError(NewError(new ArgumentException(problem, parameter), reason, ErrorCategory.InvalidArgument, value));
                return false;
            }
            return true;
        }

        private IEnumerable<(string, string[], string, string)> Requested()
        {
            var bound = MyInvocation.BoundParameters;
            var pcsc = OpenScConfigFile.PcscPath;
            var app = OpenScConfigFile.AppPath;
            if (bound.ContainsKey(nameof(EnablePinPad))) yield return (nameof(EnablePinPad), pcsc, "enable_pinpad", OpenScConfigFile.FormatBool(EnablePinPad));
            if (bound.ContainsKey(nameof(EnablePace))) yield return (nameof(EnablePace), pcsc, "enable_pace", OpenScConfigFile.FormatBool(EnablePace));
            if (bound.ContainsKey(nameof(ConnectExclusive))) yield return (nameof(ConnectExclusive), pcsc, "connect_exclusive", OpenScConfigFile.FormatBool(ConnectExclusive));
            if (bound.ContainsKey(nameof(DisconnectAction))) yield return (nameof(DisconnectAction), pcsc, "disconnect_action", DisconnectAction);
            if (bound.ContainsKey(nameof(DebugLevel))) yield return (nameof(DebugLevel), app, "debug", OpenScConfigFile.FormatInt(DebugLevel));
            if (bound.ContainsKey(nameof(DebugFile))) yield return (nameof(DebugFile), app, "debug_file", DebugFile.IndexOf(' ') >= 0 ? "\"" + DebugFile + "\"" : DebugFile);
        }
    }
}
