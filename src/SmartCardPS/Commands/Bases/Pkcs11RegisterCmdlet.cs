using System.Management.Automation;
using System;
using SmartCardPS.P11Kit;
using SmartCardPS.Text;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>Register-OpenScModule and Register-Pkcs11Module: the parameters they share, and check, ShouldProcess,
    /// write, emit.</summary>
    public abstract class Pkcs11RegisterCmdlet : SmartCardCmdlet
    {
        private Pkcs11RegistrationSteps registration;

        private protected Pkcs11RegistrationSteps Registration => registration ?? (registration = new Pkcs11RegistrationSteps(this, Pkcs11));

        /// <summary>
        /// <para type="description">System writes to the system config directory (/etc/pkcs11/modules) for every user;
        /// User writes to ~/.config/pkcs11/modules for the current user; it is refused as root, since p11-kit reads no
        /// user configs for root whatever HOME says. The default is System for root and User otherwise.</para>
        /// </summary>
        [Parameter(HelpMessage = "System or User.")]
        public Pkcs11ConfigScope Scope { get; set; }

        /// <summary>
        /// <para type="description">The exact config file to write, such as /usr/share/p11-kit/modules/opensc.module;
        /// overrides -Scope. p11-kit reads only files named NAME.module and names the module after its file.</para>
        /// </summary>
        [Parameter(HelpMessage = "The exact config file to write (NAME.module).")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>
        /// <para type="description">The priority: setting; p11-kit loads modules with higher priority first.</para>
        /// </summary>
        [Parameter(HelpMessage = "The priority: setting.")]
        public int Priority { get; set; }

        /// <summary>
        /// <para type="description">Programs (by executable name) in which alone the module is loaded (enable-in:). A
        /// name holding a control character, a blank or a comma (p11-kit's list separators) is refused before anything
        /// is loaded or written.</para>
        /// </summary>
        [Parameter(HelpMessage = "Programs in which alone the module is loaded.")]
        [ValidateNotNullOrEmpty]
        public string[] EnableIn { get; set; }

        /// <summary>
        /// <para type="description">Programs (by executable name) in which the module is not loaded (disable-in:).
        /// Refused like -EnableIn's.</para>
        /// </summary>
        [Parameter(HelpMessage = "Programs in which the module is not loaded.")]
        [ValidateNotNullOrEmpty]
        public string[] DisableIn { get; set; }

        /// <summary>
        /// <para type="description">Writes the config even when another config already registers the library, or the
        /// file exists.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>A registration of <paramref name="library"/> in <paramref name="configFile"/> with the shared
        /// parameters' settings.</summary>
        protected Pkcs11ModuleRegistration NewRegistration(string library, string configFile) => new Pkcs11ModuleRegistration
        {
            Library = library,
            ConfigFile = configFile,
            Priority = MyInvocation.BoundParameters.ContainsKey(nameof(Priority)) ? Priority : (int?)null,
            EnableIn = EnableIn,
            DisableIn = DisableIn,
            Force = Force,
        };

        /// <summary>Checks the registration (nothing registers the library yet), then, once confirmed, that it answers
        /// C_GetInfo; writes it and emits the module.</summary>
        protected void Register(Func<Pkcs11ModuleRegistration> request, string what)
        {
            Registration.Run(() =>
            {
                // No library code runs before ShouldProcess: under -WhatIf none runs at all; Register loads and checks it.
                Pkcs11RegistrationPlan plan = Registration.Registrar.Prepare(request(), load: false);
                if (!ShouldProcess(UntrustedText.Escape(plan.ConfigFile), $"Register {what} {UntrustedText.Quote(plan.Library)} (module: {UntrustedText.Quote(plan.ModuleSetting)})")) return;
                WriteObject(Registration.Registrar.Register(plan));
            }, "Use -Scope User to register it for yourself, or run elevated (sudo) for the system.");
        }
    }
}
