using System.IO;
using System.Linq;
using System.Management.Automation;
using System;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Nss;
using SmartCardPS.OpenSc;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Loads a PKCS#11 module into Firefox profiles and NSS databases: the Security Devices
    /// dialog's Load button, scripted.</para>
    /// <para type="description">Adds a library= and name= stanza to the pkcs11.txt of each database, which Firefox
    /// reads when it starts. Without -ModulePath the module is OpenSC's PKCS#11 library, found where
    /// Register-OpenScModule finds it (the ArchWiki's "CAC Module" recipe); -UseP11KitProxy registers p11-kit-proxy.so
    /// instead, so every module p11-kit registers (Get-Pkcs11Module) appears in Firefox. Without -Profile,
    /// -NssDatabase, -SharedDatabase or -AllProfiles the default Firefox profile is used. A database that already loads
    /// the same library (symlinks resolved), under any name, is skipped with a warning that nothing was changed, and
    /// its module emitted. A name already used by another library is an error: NSS would delete both by name. While a
    /// Firefox runs with a profile it is refused (Firefox keeps its own list and loads modules at start) unless -Force,
    /// after which Firefox must be restarted; -WhatIf refuses it too, so it names exactly the databases a real run
    /// changes. Registering OpenSC next to p11-kit-proxy (or the proxy next to OpenSC) warns, as NSS then fails with
    /// "Unknown PKCS #11 error" when p11-kit also loads OpenSC. A file that is not a shared library exporting
    /// C_GetFunctionList is refused; this is read from the file (ELF), so the library is never loaded and none of its
    /// code runs, under -WhatIf or otherwise. Names and paths that NSS would not read back as written (control
    /// characters, a leading quote or blank, lines of 2047 bytes or more) are refused. pkcs11.txt is replaced
    /// atomically (a temporary file in the same directory, then renamed) keeping its mode and owner, and is created
    /// (mode 0600) in a profile that has none. Emits the module as NSS now reads it.</para>
    /// </summary>
    /// <example>
    /// <code>Register-NssModule</code>
    /// <para>Loads OpenSC into the default Firefox profile as "OpenSC"; restart Firefox if it was running.</para>
    /// </example>
    /// <example>
    /// <code>Register-NssModule -UseP11KitProxy -AllProfiles -WhatIf</code>
    /// <para>Shows which profiles would get p11-kit-proxy, without writing anything.</para>
    /// </example>
    /// <example>
    /// <code>Register-NssModule -Name 'CAC Module' -ModulePath /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so `
    ///     -NssDatabase sql:$HOME/.pki/nssdb</code>
    /// <para>The ArchWiki's "CAC Module" (Debian's path of OpenSC) in the shared NSS database that Chromium
    /// reads.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Register, "NssModule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Profile")]
    [OutputType(typeof(NssModule))]
    public sealed class RegisterNssModuleCommand : NssCmdlet
    {
        /// <summary>
        /// <para type="description">The module name Firefox shows (default: OpenSC, or p11-kit-proxy with
        /// -UseP11KitProxy).</para>
        /// </summary>
        [Parameter(Position = 0, HelpMessage = "The module name Firefox shows.")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        /// <summary>
        /// <para type="description">The PKCS#11 library; by default OpenSC's. As for every cmdlet that registers a
        /// library, a bare file name is a library in p11-kit's module directory, never a file in the current location
        /// (name that ./name); a relative path is taken from PowerShell's current location (Set-Location). pkcs11.txt
        /// gets the full path.</para>
        /// </summary>
        [Parameter(Position = 1, HelpMessage = "The PKCS#11 library; by default OpenSC's.")]
        [ValidateNotNullOrEmpty]
        public string ModulePath { get; set; }

        /// <summary>
        /// <para type="description">Registers p11-kit-proxy.so, through which Firefox sees every module registered with
        /// p11-kit.</para>
        /// </summary>
        [Parameter(HelpMessage = "Register p11-kit-proxy.so.")]
        public SwitchParameter UseP11KitProxy { get; set; }

        /// <summary>
        /// <para type="description">Writes even while Firefox runs with the profile (restart Firefox afterwards); as
        /// root, writes into a profile another user owns, and replaces a read-only pkcs11.txt. Links are never followed
        /// there, whatever -Force says.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        private string library;
        private string name;

        protected override void BeginProcessing()
        {
            // Before the library is looked for or read: a control character would end pkcs11.txt's line early.
            ThrowOnControlCharacter(nameof(Name), Name, NssModuleFile.FileName, "InvalidName");
            ThrowOnControlCharacter(nameof(ModulePath), ModulePath, NssModuleFile.FileName, "InvalidPath");
            try
            {
                library = NssModuleLibrary.Find(ModulePath, UseP11KitProxy, SessionState.Path.GetUnresolvedProviderPathFromPSPath);
            }
            catch (NssException ex)
            {
                ThrowNssError(ex);
            }
            name = Name ?? (UseP11KitProxy ? "p11-kit-proxy" : "OpenSC");
            string problem = NssModuleFile.Problem("name", name);
            if (problem != null)
            {
                ThrowTerminatingError(NewError(new ArgumentException($"The module name (-Name) {Quote(name)} {problem}."), "InvalidName", ErrorCategory.InvalidArgument, name));
            }
            problem = NssModuleFile.Problem("library", library);
            if (problem != null)
            {
                ThrowTerminatingError(NewError(new ArgumentException($"The library path (-ModulePath) {Quote(library)} {problem}."), "InvalidPath", ErrorCategory.InvalidArgument, library));
            }
        }


        protected override void ProcessRecord()
        {
            foreach (NssTarget target in Targets(false))
            {
                NssModuleFile file = ReadDatabase(target);
                if (file == null) continue;
                NssModule same = NssModuleDatabase.FindLibrary(file, library);
                if (same != null)
                {
                    // Said by default, as Register-OpenScModule says it: a registration that did nothing is worth knowing.
                    WriteWarning($"{target.Description} already loads {Quote(library)} as {Quote(same.Name)}; nothing was changed.");
                    WriteObject(same);
                    continue;
                }
                NssModule other = NssModuleDatabase.FindName(file, name).FirstOrDefault();
                if (other != null)
                {
                    WriteError(NewError(new InvalidOperationException(
                        $"{target.Description} already has a module named {Quote(name)} for {Quote(other.Library)}; nothing was changed. Choose another -Name, or Unregister-NssModule it first."),
                        "NameInUse", ErrorCategory.ResourceExists, other));
                    continue;
                }
                if (!CheckNotRunning(target, Force, Quote(name), "added", out string restart)) continue;
                if (!ShouldProcess(target.Description, $"Load the PKCS#11 module {Quote(name)} ({Quote(library)})")) continue;
                if (restart != null) WriteWarning(restart);
                // Only for a change that is made: after a refusal the clash it warns of never comes to be.
                WarnAboutProxy(file, target);
                try
                {
                    WriteObject(NssModuleDatabase.Add(target.Directory, name, library, Force));
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidOperationException)
                {
                    WriteModuleFileError(ex, target);
                }
            }
        }

        /// <summary>OpenSC loaded both directly and through p11-kit-proxy is initialised twice, which NSS reports as
        /// "Unknown PKCS #11 error".</summary>
        private void WarnAboutProxy(NssModuleFile file, NssTarget target)
        {
            bool addingProxy = NssModuleLibrary.IsP11KitProxy(library);
            NssModule clash = file.Modules.FirstOrDefault(m => addingProxy ? OpenScLibrary.HasOpenScName(m.Library) : NssModuleLibrary.IsP11KitProxy(m.Library));
            if (clash == null || !(addingProxy || OpenScLibrary.HasOpenScName(library))) return;
            WriteWarning($"{target.Description} also loads {Quote(clash.Name)} ({Quote(clash.Library)}). OpenSC registered directly next to p11-kit-proxy fails in NSS with \"Unknown PKCS #11 error\" when p11-kit also loads OpenSC; keep only one of them (Unregister-NssModule -Name {Quote(clash.Name)}).");
        }
    }
}
