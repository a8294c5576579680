using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SmartCardPS.Atr;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Parameters;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Decodes an Answer-To-Reset (ATR) and names the card.</para>
    /// <para type="description">Decodes each ATR completely per ISO/IEC 7816-3 and 7816-4, as ATR_analysis and pyscard
    /// do but further: convention, every interface byte with its meaning, the protocols offered, Fi, Di, fMax, cycles
    /// per ETU, extra guard time, specific or negotiable mode, T=15 clock stop and classes, the T=1 IFSC, BWI, CWI and
    /// error detection code, the historical bytes (category indicator, every COMPACT-TLV object, card capabilities,
    /// life cycle status and status word, PC/SC Part 3 storage card names), and the check byte TCK, whose presence is
    /// decided from the protocols so a missing TCK is caught. The card is named from pcsc-tools' smartcard_list.txt
    /// (every matching entry, as ATR_analysis and pcsc_scan do), read from $XDG_CACHE_HOME or ~/.cache, then
    /// ~/.smartcard_list.txt, then /usr/local/pcsc, /usr/share/pcsc and /usr/local/share/pcsc (the
    /// SMARTCARDPS_ATR_DATABASE variable replaces that list), loaded once and reloaded when the file changes. Without
    /// the file cards are not named and one warning per session says to install pcsc-tools; a file that is empty (as
    /// ATR_analysis leaves one when its download fails), a directory, or has no ATR entries is named in one warning per
    /// session and the next location is used. ATRs with flaws real cards have (wrong or missing TCK, too few historical
    /// bytes, extra bytes) are decoded and the flaws listed in Problems. Input that cannot be an ATR (not hex, an odd
    /// digit count, empty, more than 33 bytes, TS other than 3B or 3F, interface bytes cut short) writes a
    /// non-terminating InvalidData error naming the byte and the reason, and the next input is decoded.</para>
    /// </summary>
    /// <example>
    /// <code>ConvertFrom-Atr '3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A' | Format-List *</code>
    /// <para>Decodes the ATR a PC/SC reader reports for a MIFARE Classic 1K card and shows every field.</para>
    /// </example>
    /// <example>
    /// <code>ConvertFrom-Atr 3B 95 13 81 01 80 73 FF 01 00 0B</code>
    /// <para>Decodes an ATR pasted without quotes, as pcsc_scan prints it: each byte is one argument, read as the hex
    /// it was typed as.</para>
    /// </example>
    /// <example>
    /// <code>Get-SmartCardReader | ConvertFrom-Atr</code>
    /// <para>Decodes the ATR of the card in every reader; readers without a card are skipped.</para>
    /// </example>
    /// <example>
    /// <code>'3b:95:13:81:01:80:73:ff:01:00:0b', '3B02145' |
    ///     ConvertFrom-Atr -ErrorVariable bad -ErrorAction SilentlyContinue
    /// $bad.FullyQualifiedErrorId</code>
    /// <para>Accepts colon-separated lower-case ATRs; the second input has an odd digit count and lands in $bad as
    /// ConvertFromAtrOddDigitCount while the first is decoded.</para>
    /// </example>
    /// <example>
    /// <code>ConvertFrom-Atr ([byte[]](0x3B, 0x02, 0x14, 0x50)) -DatabasePath /usr/share/pcsc/smartcard_list.txt</code>
    /// <para>Decodes an ATR given as bytes and names it from the smartcard_list.txt given, here pcsc-tools' own.</para>
    /// </example>
    [Cmdlet(VerbsData.ConvertFrom, "Atr")]
    [OutputType(typeof(AnswerToReset))]
    public sealed class ConvertFromAtrCommand : SmartCardCmdlet
    {
        /// <summary>The type name the views and scripts see.</summary>
        public const string TypeName = "SmartCardPS.Atr";

        private static int warnedNoDatabase;
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> ReportedProblems =
            new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(System.StringComparer.Ordinal);

        /// <summary>
        /// <para type="description">The ATR as hex ('3B 95 13 81', '3b:95:13:81', '3B951381', any case, surrounding
        /// whitespace), or a byte array (pipe it as ,$bytes so it stays one ATR). Binds from the pipeline and from any
        /// object's Atr property, such as Get-SmartCardReader's; objects whose Atr is null (readers without a card) are
        /// skipped.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true,
            HelpMessage = "The ATR as hex, e.g. '3B 95 13 81'.")]
        [AllowNull]
        [AllowEmptyString]
        [AllowEmptyCollection]
        [AtrInputTransformation]
        public AtrInput[] Atr { get; set; }

        /// <summary>
        /// <para type="description">The rest of an ATR pasted without quotes, as pcsc_scan prints it (ConvertFrom-Atr
        /// 3B 95 13 81 01 80 73 FF 01 00 0B): each further argument is one more byte of the ATR that -Atr
        /// starts.</para>
        /// </summary>
        [Parameter(ValueFromRemainingArguments = true, DontShow = true)]
        public string[] AtrBytes { get; set; }

        /// <summary>
        /// <para type="description">A smartcard_list.txt to name the cards from instead of the one pcsc-tools installs.
        /// A missing file stops the command with a ConvertFromAtrDatabaseNotFound error, a directory with
        /// ConvertFromAtrDatabaseIsDirectory; a file without ATR entries is named in a warning.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DatabasePath { get; set; }

        private AtrDatabase database;
        private Task loading;

        protected override void BeginProcessing()
        {
            if (DatabasePath != null)
            {
                string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(DatabasePath);
                if (Directory.Exists(full))
                {
                    ThrowTerminatingError(NewError(
                        new System.ArgumentException($"The ATR database {UntrustedText.Quote(full)} is a directory. Give the path of a smartcard_list.txt (pcsc-tools installs one in /usr/share/pcsc)."),
                        "DatabaseIsDirectory", ErrorCategory.InvalidArgument, DatabasePath));
                }
                if (!File.Exists(full))
                {
                    ThrowTerminatingError(NewError(
                        new FileNotFoundException($"The ATR database {UntrustedText.Quote(full)} does not exist. Give the path of a smartcard_list.txt (pcsc-tools installs one in /usr/share/pcsc).", full),
                        "DatabaseNotFound", ErrorCategory.ObjectNotFound, DatabasePath));
                }
                database = AtrDatabase.FromFile(full);
            }
            else
            {
                database = AtrDatabase.Default;
            }
            // The first command of a session loads the file in the background while it parses its first ATR.
            loading = database.RefreshAsync();
        }

        /// <summary>Waits for the database and warns about it once, before the command writes anything.</summary>
        private void ReportDatabase()
        {
            if (loading == null) return;
            loading.GetAwaiter().GetResult();
            loading = null;
            foreach (string problem in database.Problems)
            {
                if (ReportedProblems.TryAdd(problem, true)) WriteWarning(problem);
            }
            if (!database.IsAvailable && DatabasePath == null && Interlocked.Exchange(ref warnedNoDatabase, 1) == 0)
            {
                WriteWarning("No smartcard_list.txt was found (looked in " + string.Join(", ", AtrDatabaseLocations.SearchPaths)
                    + "), so cards are not identified. Install pcsc-tools (apt install pcsc-tools, dnf install pcsc-tools, brew install pcsc-tools) or pass -DatabasePath.");
            }
        }

        protected override void ProcessRecord()
        {
            if (AtrBytes != null && AtrBytes.Length > 0) Atr = new[] { AtrInput.FromSeparateBytes(Atr ?? new AtrInput[0], AtrBytes) };
            if (Atr == null) return;
            foreach (AtrInput given in Atr)
            {
                if (given == null) continue;
                // Only piped input is unrolled into lone bytes; a number on the command line was typed as one.
                AtrInput input = MyInvocation.ExpectingInput ? given : given.AsArgument();
                AtrParseException error = input.Error;
                AnswerToReset result = null;
                if (error == null)
                {
                    try
                    {
                        result = database.Decode(input.Bytes);
                    }
                    catch (AtrParseException ex)
                    {
                        error = ex;
                    }
                }
                ReportDatabase();
                if (error != null)
                {
                    WriteError(NewError(error, error.Reason.ToString(), ErrorCategory.InvalidData, input.Text));
                    continue;
                }
                var output = new PSObject(result);
                output.TypeNames.Insert(0, TypeName);
                WriteObject(output);
            }
        }

        protected override void EndProcessing() => ReportDatabase();
    }
}
