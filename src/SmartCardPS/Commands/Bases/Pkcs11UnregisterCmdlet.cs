using System.Management.Automation;
using SmartCardPS.P11Kit;
using SmartCardPS.Text;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>
    /// Unregister-OpenScModule and Unregister-Pkcs11Module: the config file named by -Name (in -Scope's directory),
    /// -Path or a piped module, checked, then removed under ShouldProcess.
    /// </summary>
    public abstract class Pkcs11UnregisterCmdlet : SmartCardCmdlet
    {
        private Pkcs11RegistrationSteps registration;

        private protected Pkcs11RegistrationSteps Registration => registration ?? (registration = new Pkcs11RegistrationSteps(this, Pkcs11));

        protected const string NameSet = "Name";

        /// <summary>The -Name value; each cmdlet declares its own -Name (a default for OpenSC, mandatory
        /// otherwise).</summary>
        protected abstract string ModuleName { get; }

        /// <summary>
        /// <para type="description">System removes from the system config directory (/etc/pkcs11/modules), User from
        /// ~/.config/pkcs11/modules (refused as root, since p11-kit reads no user configs for root whatever HOME says).
        /// The default is System for root and User otherwise.</para>
        /// </summary>
        [Parameter(ParameterSetName = NameSet, HelpMessage = "System or User.")]
        public Pkcs11ConfigScope Scope { get; set; }

        /// <summary>
        /// <para type="description">The exact config file to remove, such as
        /// /usr/share/p11-kit/modules/opensc.module.</para>
        /// </summary>
        [Parameter(ParameterSetName = "Path", Mandatory = true, HelpMessage = "The exact config file to remove.")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>
        /// <para type="description">Modules from Get-Pkcs11Module; the config file that sets each one's module: line is
        /// removed.</para>
        /// </summary>
        [Parameter(ParameterSetName = "Module", Mandatory = true, ValueFromPipeline = true, HelpMessage = "Modules from Get-Pkcs11Module.")]
        [ValidateNotNull]
        public Pkcs11Module Module { get; set; }

        /// <summary>
        /// <para type="description">As root, removes a config from a directory another user can write (-Path into a
        /// user's directory); the file is removed without following any link either way.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Removes the config file the parameters name once it exists (and, with
        /// <paramref name="openScOnly"/>, registers OpenSC).</summary>
        protected void Unregister(bool openScOnly, string what)
        {
            Registration.Run(() =>
            {
                string file = ParameterSetName == "Module" ? Registration.Registrar.ConfigFileOf(Module) : Registration.ConfigFile(ModuleName, Scope, Path);
                Pkcs11Module config = Registration.Registrar.PrepareRemoval(file, openScOnly);
                if (!ShouldProcess(UntrustedText.Escape(file), $"Remove the p11-kit registration of {what} ({UntrustedText.Quote(config.ModuleSetting)})")) return;
                Registration.Registrar.Unregister(file, Force);
            }, "Run elevated (sudo) to change a system registration.");
        }
    }
}
