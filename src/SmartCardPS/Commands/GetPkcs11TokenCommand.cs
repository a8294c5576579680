using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.P11Kit;
using SmartCardPS.Parameters;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the tokens of PKCS#11 modules: smart cards, HSMs, SoftHSM tokens.</para>
    /// <para type="description">Loads every enabled module registered with p11-kit (or the modules given with -Module)
    /// and emits one Pkcs11Token per initialised token, exactly the tokens p11tool --list-tokens lists: label,
    /// manufacturer, model, serial number, flags by name, the pkcs11: URI exactly as p11tool prints it, the module and
    /// slot, versions, PIN lengths and the memory figures the token reports. With -IncludeEmptySlots it also emits, as
    /// pkcs11-tool -L does, the slots without a usable token: uninitialised tokens such as SoftHSM's free slot
    /// (TokenInitialized false), readers without a card (TokenPresent false) and cards the module does not recognise
    /// (TokenError names the CKR_ code, such as CKR_TOKEN_NOT_RECOGNIZED); each gets a URI with its slot-id that names
    /// that slot alone, so Get-Pkcs11Mechanism -Uri reaches just it. Each module is finalized before the command
    /// returns. A module that cannot be used writes one non-terminating error naming the module, its config file and
    /// the reason; the other modules are still listed. Tokens can be piped to Get-Pkcs11Mechanism.</para>
    /// </summary>
    /// <example>
    /// <code>Get-Pkcs11Token</code>
    /// <para>Lists the tokens of every registered module, like p11tool --list-tokens.</para>
    /// </example>
    /// <example>
    /// <code>Get-Pkcs11Token -Module opensc-pkcs11 -IncludeEmptySlots</code>
    /// <para>Lists OpenSC's slots, one per reader, whether or not a card is in it.</para>
    /// </example>
    /// <example>
    /// <code>Get-Pkcs11Token -Label 'My*' -Module /usr/lib/softhsm/libsofthsm2.so | Select-Object Label, Uri</code>
    /// <para>Shows the URIs of the SoftHSM tokens whose labels start with My, loading the library by path.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "Pkcs11Token")]
    [OutputType(typeof(Pkcs11Token))]
    public sealed class GetPkcs11TokenCommand : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">Token labels to return; wildcards are allowed. Without it every token is
        /// returned.</para>
        /// </summary>
        [Parameter(Position = 0, HelpMessage = "Token labels; wildcards are allowed.")]
        [ArgumentCompleter(typeof(TokenLabelCompleter))]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Label { get; set; }

        /// <summary>
        /// <para type="description">Registered module names (as Get-Pkcs11Module lists them) or library paths. A bare
        /// file name (libfoo.so) is looked for only in p11-kit's module directory, as p11-kit does, never in the
        /// current location; write ./libfoo.so for that. Without it every enabled registered module is used.</para>
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "Registered module names or library paths.")]
        [Alias("ModulePath", "Path")]
        [ArgumentCompleter(typeof(ModuleNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Module { get; set; }

        /// <summary>
        /// <para type="description">Also emit the slots without a usable token: uninitialised tokens (TokenInitialized
        /// false), card readers without a card (TokenPresent false) and cards the module does not recognise (TokenError
        /// set). Their Uri names the slot by slot-id.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter IncludeEmptySlots { get; set; }

        private NameFilter labels;
        private readonly List<Pkcs11Token> seenTokens = new List<Pkcs11Token>();
        private bool listedEveryModule;

        protected override void ProcessRecord()
        {
            IEnumerable<Pkcs11Module> modules = Module != null ? Pkcs11.ResolveModules(Module) : Pkcs11.Registry.EnabledModules;
            listedEveryModule = Module == null;
            if (Label != null && labels == null) labels = new NameFilter(Label);
            foreach (Pkcs11Module module in Pkcs11.EachModule(modules))
            {
                List<Pkcs11Token> tokens = Pkcs11.TokensOf(module, includeEmptySlots: IncludeEmptySlots);
                seenTokens.AddRange(tokens);
                foreach (Pkcs11Token token in tokens)
                {
                    if (labels != null && !labels.Among(tokens.Select(t => t.Label)).IsMatch(token.Label)) continue;
                    WriteObject(token);
                }
            }
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            // What this run saw of every module is what Tab on -Label and -Uri offers next.
            if (listedEveryModule) TokenLabelCompleter.Tokens.Set(TokenLabelCompleter.Usable(seenTokens));
            if (labels == null) return;
            WriteNotFound(labels, label => $"No PKCS#11 token labelled {UntrustedText.Quote(label)} was found. Run Get-Pkcs11Token without -Label to list the tokens.");
        }
    }
}
