using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.Interop;
using SmartCardPS.Iso7816;
using SmartCardPS.Parameters;
using SmartCardPS.Pcsc;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Sends command APDUs to a smart card and returns its responses.</para>
    /// <para type="description">Sends each APDU (SCardTransmit) and emits one ApduResponse: Reader, Command, Data (hex,
    /// without the status word), SW1, SW2, StatusWord ('90 00'), Meaning (ISO/IEC 7816-4), Success (90 00, or 61 XX
    /// when GET RESPONSE is off) and Elapsed. The ISO/IEC 7816-3 T=0 rules apply as opensc-tool applies them: 61 XX
    /// fetches the rest of the answer with GET RESPONSE (Le = XX) until the card is done, and 6C XX resends the command
    /// with Le = XX, so Data holds the whole answer, also when it is longer than 256 bytes; -NoGetResponse returns what
    /// the card said first, as scriptor and pyscard do. Extended-length APDUs are sent as they are, except over T=0,
    /// which cannot carry them. APDUs are hex strings ('00 A4 04 00 …', '00A40400', '00:a4:04:00') or byte arrays. With
    /// -Connection (from Connect-SmartCard) every APDU of the pipeline goes through one card transaction, so no other
    /// program interleaves its commands. With -Reader (a name, or a SmartCardReader piped in) the command connects in
    /// shared mode, sends, and disconnects leaving the card. -ScriptPath runs a pcsc-tools scriptor script: one APDU
    /// per line, lines starting with # are comments, a line ending in a backslash continues on the next, 'reset' resets
    /// the card and emits a CardReset with the new ATR (as scriptor prints OK: and the ATR), 'exit' ends the script. A
    /// card status word that is not 90 00 is a response, not an error. Errors:
    /// SendSmartCardApduInvalidHex, SendSmartCardApduOddDigitCount, SendSmartCardApduEmpty, SendSmartCardApduTooShort,
    /// SendSmartCardApduTooLong and SendSmartCardApduExtendedOverT0 (InvalidArgument, per APDU);
    /// SendSmartCardApduScriptNotFound (terminating) and a script with a bad line stops before anything is sent; PC/SC
    /// failures carry the SCARD_* reason (SendSmartCardApduRemovedCard, SendSmartCardApduResetCard,
    /// SendSmartCardApduSharingViolation, SendSmartCardApduNoSmartCard, SendSmartCardApduUnknownReader);
    /// SendSmartCardApduNotConnected for a closed connection.</para>
    /// </summary>
    /// <example>
    /// <code>Get-SmartCardReader | Where-Object CardPresent |
    ///     Send-SmartCardApdu '00 A4 04 00 07 A0 00 00 00 03 10 10 00'</code>
    /// <para>Asks the card in every reader to select the Visa application by its AID: 90 00 and its FCI in Data if the
    /// card has it, 6A 82 (file or application not found) if not.</para>
    /// </example>
    /// <example>
    /// <code>$card = Get-SmartCardReader | Where-Object CardPresent | Select-Object -First 1 | Connect-SmartCard
    /// '00 A4 00 0C 02 3F 00', '00 B0 9E 00 00' | Send-SmartCardApdu -Connection $card
    /// Disconnect-SmartCard $card</code>
    /// <para>Selects the master file and reads EF.DIR by its short identifier (1E), both in one card
    /// transaction.</para>
    /// </example>
    /// <example>
    /// <code>$script = Join-Path ([IO.Path]::GetTempPath()) 'mf.script'
    /// "# select the MF, reset, select it again`n00 A4 00 0C 02 3F 00`nreset`n00A4000C023F00" |
    ///     Set-Content $script
    /// Get-SmartCardReader | Where-Object CardPresent | Select-Object -First 1 |
    ///     Send-SmartCardApdu -ScriptPath $script -NoGetResponse | Format-Table Command, StatusWord, Data</code>
    /// <para>Writes a scriptor script and runs it on the first card, showing each command with the card's first answer,
    /// as scriptor prints them.</para>
    /// </example>
    /// <example>
    /// <code>(Get-SmartCardReader | Where-Object CardPresent | Select-Object -First 1 |
    ///     Send-SmartCardApdu '00 A4 00 00 02 3F 00 00').GetData()</code>
    /// <para>Returns the master file's control information as a byte array instead of hex.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Send, "SmartCardApdu", DefaultParameterSetName = ConnectionSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(ApduResponse), typeof(CardReset))]
    public sealed class SendSmartCardApduCommand : CardCmdlet
    {
        private const string ConnectionSet = "Connection";
        private const string ReaderSet = "Reader";
        private const string ConnectionScriptSet = "ConnectionScript";
        private const string ReaderScriptSet = "ReaderScript";

        /// <summary>
        /// <para type="description">The command APDUs: hex strings ('00 A4 04 00 07 A0 00 00 00 03 10 10 00',
        /// '00A40400'; bytes may be separated by colons, dashes or commas and written 0xA4, as ATRs may) or byte arrays
        /// (pipe a byte array as ,$bytes so it stays one APDU). Strings from the pipeline are sent in one
        /// transaction.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ConnectionSet, HelpMessage = "The command APDUs in hex.")]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ReaderSet, HelpMessage = "The command APDUs in hex.")]
        [ApduInputTransformation]
        public ApduInput[] Apdu { get; set; }

        /// <summary>
        /// <para type="description">A connection from Connect-SmartCard. The APDUs of the whole pipeline are sent
        /// inside one card transaction.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = ConnectionSet)]
        [Parameter(Mandatory = true, ParameterSetName = ConnectionScriptSet)]
        [ValidateNotNull]
        public SmartCardConnection Connection { get; set; }

        /// <summary>
        /// <para type="description">The reader whose card to talk to, by name (wildcards allowed when they match one
        /// reader) or as a SmartCardReader from the pipeline. The command connects in shared mode and disconnects when
        /// done.</para>
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ReaderSet)]
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ReaderScriptSet)]
        [Alias("Name")]
        [ArgumentCompleter(typeof(ReaderNameCompleter))]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string Reader { get; set; }

        /// <summary>
        /// <para type="description">A pcsc-tools scriptor script to run: APDUs one per line, # comments, 'reset' and
        /// 'exit' lines, backslash continuation.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = ConnectionScriptSet)]
        [Parameter(Mandatory = true, ParameterSetName = ReaderScriptSet)]
        [ValidateNotNullOrEmpty]
        public string ScriptPath { get; set; }

        /// <summary>
        /// <para type="description">Returns the card's first answer: no GET RESPONSE after 61 XX, no resend after 6C
        /// XX.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter NoGetResponse { get; set; }

        /// <summary>
        /// <para type="description">When another program reset the card, reconnect and send the command again once,
        /// instead of failing with SendSmartCardApduResetCard.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter RetryOnReset { get; set; }

        private IReadOnlyList<ApduScriptStep> script;
        private ApduSession session;
        private string openedFor;

        protected override void BeginProcessing()
        {
            if (ScriptPath == null) return;
            try
            {
                script = ApduScript.ParseFile(SessionState.Path.GetUnresolvedProviderPathFromPSPath(ScriptPath));
            }
            catch (FileNotFoundException ex)
            {
                ThrowTerminatingError(NewError(ex, "ScriptNotFound", ErrorCategory.ObjectNotFound, ScriptPath));
            }
            catch (ApduFormatException ex)
            {
                ThrowTerminatingError(NewError(ex, "InvalidScript", ErrorCategory.InvalidData, ScriptPath));
            }
        }

        protected override void ProcessRecord()
        {
            // One question per record, asked before connecting (-WhatIf touches no card); not one per APDU, so
            // -Confirm on a 1000-line script asks once.
            string target = Reader ?? Connection.Reader;
            string action = script != null ? $"Run the {script.Count} steps of {UntrustedText.Quote(ScriptPath)}"
                : Apdu.Length == 1 ? $"Send APDU {Apdu[0]}" : $"Send {Apdu.Length} APDUs, the first {Apdu[0]}";
            if (!ShouldProcess(UntrustedText.Escape(target), action) || !Open()) return;
            if (script != null) Run(script, session.Run);
            // An input that is no APDU fails as sending it would: one error, and the next APDU is sent.
            else Run(Apdu, input => session.Send(input.Command ?? throw input.Error));
        }

        /// <summary>
        /// The session for this record, or false after writing why there is none. Readers from the pipeline get one
        /// connection and transaction per run of records naming the same reader; -Connection one for the command.
        /// </summary>
        private bool Open()
        {
            if (session != null && (Reader == null || openedFor == Reader)) return true;
            Close();
            SmartCardConnection connection = Reader == null ? Connection : TryConnect(Reader, SmartCardShareMode.Shared, SmartCardProtocol.Any);
            if (connection == null) return false;
            try
            {
                session = ApduSession.Begin(connection, ownsConnection: Reader != null, RetryOnReset, followResponses: !NoGetResponse);
                openedFor = Reader;
            }
            catch (PcscException ex)
            {
                WritePcscError(ex, connection.Reader, connection.Reader);
            }
            catch (ObjectDisposedException ex)
            {
                ThrowTerminatingError(NewError(ex, "NotConnected", ErrorCategory.ResourceUnavailable, connection));
            }
            return session != null;
        }

        /// <summary>Each step (its text the target of its error) one call into the session, its output written and
        /// its failure mapped to an error.</summary>
        private void Run<T>(IEnumerable<T> steps, Func<T, object> send) where T : class
        {
            foreach (T step in steps)
            {
                if (Stopping) return;
                if (step == null) continue;
                try
                {
                    WriteObject(send(step));
                }
                catch (ApduFormatException ex)
                {
                    WriteError(NewError(ex, ex.Reason.ToString(), ErrorCategory.InvalidArgument, step.ToString()));
                }
                catch (PcscException ex)
                {
                    WritePcscError(ex, step.ToString(), session.Connection.Reader);
                }
                catch (InvalidDataException ex)
                {
                    WriteError(NewError(ex, "InvalidResponse", ErrorCategory.InvalidResult, step.ToString()));
                }
                catch (ObjectDisposedException ex)
                {
                    ThrowTerminatingError(NewError(ex, "NotConnected", ErrorCategory.ResourceUnavailable, step.ToString()));
                }
            }
        }

        protected override void EndProcessing() => Close();

        private void Close()
        {
            session?.Dispose();
            session = null;
            openedFor = null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) Close();
            base.Dispose(disposing);
        }
    }
}
