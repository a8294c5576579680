using System.IO;
using System.Management.Automation;
using System;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Nss;
using SmartCardPS.P11Kit;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Adds or removes a security device (PKCS#11 module) in Firefox's enterprise policy, for
    /// every profile on the machine.</para>
    /// <para type="description">Edits the SecurityDevices policy of policies.json (on Linux
    /// /etc/firefox/policies/policies.json, which Debian's firefox-esr also reads; /etc/firefox-esr/policies is
    /// ignored; on Windows distribution\policies.json in Firefox's install directory; on macOS in Firefox.app's
    /// Contents/Resources/distribution). -Name with -ModulePath puts the module in SecurityDevices.Add, which Firefox
    /// loads into every profile when it starts; -Remove -Name takes it out of Add and puts it in
    /// SecurityDevices.Delete, which makes Firefox remove it from profiles that have it. The older flat form (name:
    /// path directly under SecurityDevices) is moved into Add. Every other policy and setting in the file stays as it
    /// was. The file is replaced atomically (mode 0644 for a new file, an existing file's mode and owner kept); a file
    /// that is not valid JSON is refused and left alone. Emits the resulting SecurityDevices policy. Needs root (or an
    /// administrator) for the default path.</para>
    /// </summary>
    /// <example>
    /// <code>$opensc = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so'
    /// sudo pwsh -c "Set-FirefoxSecurityDevicePolicy -Name 'CAC Module' -ModulePath $opensc"</code>
    /// <para>Loads OpenSC in every Firefox profile on the machine from the next start.</para>
    /// </example>
    /// <example>
    /// <code>Set-FirefoxSecurityDevicePolicy -Remove -Name 'CAC Module' -PolicyPath ./policies.json -WhatIf</code>
    /// <para>Shows the change to a policies.json being prepared for a fleet, without writing it.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "FirefoxSecurityDevicePolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Add")]
    [OutputType(typeof(FirefoxSecurityDevicePolicy))]
    public sealed class SetFirefoxSecurityDevicePolicyCommand : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">The module name Firefox shows in Security Devices.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, HelpMessage = "The module name.")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        /// <summary>
        /// <para type="description">The PKCS#11 library Firefox loads for the module. As for every cmdlet that
        /// registers a library, a bare file name is a library in p11-kit's module directory, never a file in the
        /// current location (name that ./name); a relative path is taken from PowerShell's current location
        /// (Set-Location). policies.json gets the full path (with -Force, a bare name the module directory lacks is
        /// written as given, for NSS to look for in the library search path).</para>
        /// </summary>
        [Parameter(ParameterSetName = "Add", Mandatory = true, Position = 1, HelpMessage = "The PKCS#11 library.")]
        [ValidateNotNullOrEmpty]
        public string ModulePath { get; set; }

        /// <summary>
        /// <para type="description">Removes the module from Add and lists it in Delete, so Firefox removes it from
        /// every profile.</para>
        /// </summary>
        [Parameter(ParameterSetName = "Remove", Mandatory = true, HelpMessage = "Remove the module instead.")]
        public SwitchParameter Remove { get; set; }

        /// <summary>
        /// <para type="description">The policies.json to edit; by default the platform's.</para>
        /// </summary>
        [Parameter(HelpMessage = "The policies.json to edit.")]
        [ValidateNotNullOrEmpty]
        public string PolicyPath { get; set; }

        /// <summary>
        /// <para type="description">Replaces a read-only policies.json and, as root, writes into a directory another
        /// user can write (the file is still written without following links). Also writes a -ModulePath that does not
        /// exist here or is no PKCS#11 library (for a policy meant for other machines).</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            string path = PolicyPath == null ? FirefoxPolicy.DefaultPath() : SessionState.Path.GetUnresolvedProviderPathFromPSPath(PolicyPath);
            // Before policies.json is read: Firefox would load a device under a name, or from a path, other than the one shown.
            ThrowOnControlCharacter(nameof(Name), Name, "policies.json");
            ThrowOnControlCharacter(nameof(ModulePath), ModulePath, "policies.json");
            string library = Remove ? null : Library();
            string action = Remove ? $"Remove the security device {NssCmdlet.Quote(Name)} from every profile" : $"Load the security device {NssCmdlet.Quote(Name)} ({NssCmdlet.Quote(library)}) in every profile";
            try
            {
                FirefoxPolicy.Get(path);
                if (!ShouldProcess(UntrustedText.Escape(path), action)) return;
                WriteObject(FirefoxPolicy.Set(path, Name, library, Force));
            }
            catch (InvalidDataException ex)
            {
                WriteError(NewError(ex, "InvalidData", ErrorCategory.InvalidData, path));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteFileError(ex, path, "run elevated (sudo), or give another file with -PolicyPath.");
            }
        }

        /// <summary>
        /// -ModulePath as Register-NssModule reads it (<see cref="NssModuleLibrary.Resolve"/>), as the full path
        /// Firefox is given: a relative path in policies.json would be taken from Firefox's own working directory. A
        /// library Firefox could not load here is refused, since it would list the device and fail to load it in every
        /// profile with no word of why; -Force writes it anyway for other machines, a bare name the module directory
        /// lacks as given (NSS then looks for it in the library search path).
        /// </summary>
        private string Library()
        {
            Pkcs11RegistryPaths paths = Pkcs11RegistryPaths.Default();
            string library = NssModuleLibrary.Resolve(ModulePath, SessionState.Path.GetUnresolvedProviderPathFromPSPath, paths);
            if (Force) return library ?? ModulePath;
            string problem, reason = NssLibraryCheck.NotFound;
            if (library == null) problem = paths.LibraryNotFoundMessage(ModulePath).TrimEnd('.');
            else if ((problem = NssLibraryCheck.Problem(library, out reason)) == null) return library;
            problem += "; nothing was written. Give the library's path on this machine, or add -Force for a policy meant for machines where it is installed.";
            bool notFound = reason == NssLibraryCheck.NotFound;
            ThrowTerminatingError(NewError(notFound ? new ItemNotFoundException(problem) : (Exception)new InvalidDataException(problem),
                reason, notFound ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidData, library ?? ModulePath));
            return null;
        }
    }
}
