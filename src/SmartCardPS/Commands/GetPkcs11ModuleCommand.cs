using System.Collections.Generic;
using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the PKCS#11 modules registered with p11-kit, with what each library reports about
    /// itself.</para>
    /// <para type="description">Reads p11-kit's module registry as p11-kit does (pkcs11.conf(5)): the package configs
    /// (/usr/share/p11-kit/modules), the system configs (/etc/pkcs11/modules) and, except for root or with
    /// P11_KIT_NO_USER_CONFIG, the user's (~/.config/pkcs11/modules), merged per module name and setting, user over
    /// system over package, as governed by user-config in pkcs11.conf. Each module is listed once, in p11-kit's load
    /// order (higher priority first, then by name), with its resolved library path, its config file, where the config
    /// comes from, and whether p11-kit would load it in this program. Enabled modules are loaded and asked C_GetInfo
    /// for their description, manufacturer and versions, then finalized, as p11-kit list-modules does. A module that
    /// cannot be used (missing file, not a shared library, not a PKCS#11 module, a CKR_ error) writes one
    /// non-terminating error naming the module, its config file and the reason, and the others are still listed; with
    /// -IncludeBroken it is emitted instead, with the reason in LoadError. For a module marked critical: yes the error
    /// also says that p11-kit, and so GnuTLS and p11tool, fail altogether while it fails. Where p11-kit is not
    /// installed the registry is empty. Windows has no p11-kit registry: nothing is read (p11-kit's paths would name
    /// folders on the current drive that any user may create), one warning says so, and Get-Pkcs11Token -Module takes
    /// a library's path instead.</para>
    /// </summary>
    /// <example>
    /// <code>Get-Pkcs11Module</code>
    /// <para>Lists the registered modules, like p11-kit list-modules.</para>
    /// </example>
    /// <example>
    /// <code>Get-Pkcs11Module -Name opensc* | Format-List *</code>
    /// <para>Shows every setting of the OpenSC registrations, including the config files they come from.</para>
    /// </example>
    /// <example>
    /// <code>Get-Pkcs11Module | Where-Object { -not $_.Enabled }</code>
    /// <para>Shows the modules that are registered but disabled for this program (enable-in, disable-in or a blank
    /// module: line).</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "Pkcs11Module")]
    [OutputType(typeof(Pkcs11Module))]
    public sealed class GetPkcs11ModuleCommand : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">Registered module names to return (the config file name without .module); wildcards
        /// are allowed, and an exact name always matches. Tokens piped from Get-Pkcs11Token bind their Module here,
        /// giving each token's module. Without it every registered module is returned.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true,
            HelpMessage = "Registered module names; wildcards are allowed.")]
        [Alias("Module")]
        [ArgumentCompleter(typeof(ModuleNameCompleter))]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; }

        /// <summary>
        /// <para type="description">Also emit the modules that cannot be used, with the reason in LoadError, instead of
        /// writing an error for each: for scripts that list what is broken.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter IncludeBroken { get; set; }

        protected override void BeginProcessing()
        {
            if (Pkcs11.Registry.Paths.NotUsedReason != null) WriteWarning(Pkcs11.Registry.Paths.NotUsedReason + ".");
        }

        protected override void ProcessRecord()
        {
            IEnumerable<Pkcs11Module> modules = Pkcs11.Registry.Modules;
            if (Name != null)
            {
                modules = SelectByName(Pkcs11.Registry.Modules, Name, m => m.Name,
                    name => $"No PKCS#11 module named {UntrustedText.Quote(name)} is registered with p11-kit. Run Get-Pkcs11Module without -Name to list them.");
            }
            foreach (Pkcs11Module module in Pkcs11.EachModule(modules))
            {
                if (!module.Enabled)
                {
                    WriteObject(module);
                    continue;
                }
                Pkcs11Library library = Pkcs11.Open(module, writeError: !IncludeBroken);
                if (library == null)
                {
                    if (IncludeBroken) WriteObject(Broken(module, Pkcs11.FailureOf(module)));
                    continue;
                }
                try
                {
                    module.CopyLibraryInfo(library.GetInfo());
                    WriteObject(module);
                }
                catch (Pkcs11ModuleException ex)
                {
                    if (IncludeBroken) WriteObject(Broken(module, ex));
                    else Pkcs11.WriteModuleError(ex, module);
                }
            }
        }

        private static Pkcs11Module Broken(Pkcs11Module module, Pkcs11ModuleException ex)
        {
            module.LoadError = module.Critical ? ex.Message + " " + module.CriticalFailureNote : ex.Message;
            return module;
        }
    }
}
