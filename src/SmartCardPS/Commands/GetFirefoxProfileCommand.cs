using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.Nss;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the Firefox profiles of the current user: where each is, whether it is the default,
    /// and whether a Firefox is using it.</para>
    /// <para type="description">Reads profiles.ini in each profile root of the platform: on Linux ~/.mozilla/firefox
    /// when it exists, else $XDG_CONFIG_HOME/mozilla/firefox (where Firefox 147 and later create profiles), then the
    /// Snap (~/snap/firefox/common/.mozilla/firefox) and Flatpak (~/.var/app/org.mozilla.firefox/…) roots;
    /// %APPDATA%\Mozilla\Firefox on Windows; ~/Library/Application Support/Firefox on macOS. -Root reads the
    /// profiles.ini of other directories instead. The default profile is the one an [Install…] section names with
    /// Default= (what current Firefox uses), else the one marked Default=1. IsRunning says whether a Firefox holds the
    /// profile's lock: the fcntl lock on .parentlock on Linux and macOS (with the process id), parent.lock held open on
    /// Windows; the `lock` symlink, which outlives a clean exit, is not used. Flavor is Snap or Flatpak by root, ESR
    /// when the profile was last opened by Firefox ESR, else Firefox. Each profile directory is also the profile's NSS
    /// database, for Get-NssModule and Register-NssModule.</para>
    /// </summary>
    /// <example>
    /// <code>Get-FirefoxProfile</code>
    /// <para>Lists every profile with its path, whether it is the default and whether Firefox is running with
    /// it.</para>
    /// </example>
    /// <example>
    /// <code>Get-FirefoxProfile | Where-Object IsDefault | Get-NssModule</code>
    /// <para>Lists the security devices (PKCS#11 modules) of the default profile.</para>
    /// </example>
    /// <example>
    /// <code>Get-FirefoxProfile | Where-Object IsRunning | Select-Object Name, ProcessId</code>
    /// <para>Shows which profiles a Firefox is using now, and its process; Register-NssModule refuses those unless
    /// -Force. -Root /home/alice/.mozilla/firefox would list another user's profiles.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "FirefoxProfile")]
    [OutputType(typeof(FirefoxProfile))]
    public sealed class GetFirefoxProfileCommand : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">Profile names to return; wildcards are allowed. Without it every profile is
        /// returned.</para>
        /// </summary>
        [Parameter(Position = 0, HelpMessage = "Profile names; wildcards are allowed.")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(FirefoxProfileNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; }

        /// <summary>
        /// <para type="description">Directories holding a profiles.ini to read instead of the platform's profile
        /// roots.</para>
        /// </summary>
        [Parameter(HelpMessage = "Directories holding a profiles.ini.")]
        [ValidateNotNullOrEmpty]
        public string[] Root { get; set; }

        protected override void EndProcessing()
        {
            var profiles = new List<FirefoxProfile>();
            if (Root == null)
            {
                profiles.AddRange(FirefoxProfiles.FindAll());
            }
            else
            {
                foreach (string root in Root)
                {
                    string dir = SessionState.Path.GetUnresolvedProviderPathFromPSPath(root);
                    if (!File.Exists(Path.Combine(dir, "profiles.ini")))
                    {
                        WriteError(NewError(new ItemNotFoundException($"There is no profiles.ini in {UntrustedText.Quote(dir)}."), "RootNotFound", ErrorCategory.ObjectNotFound, root));
                        continue;
                    }
                    profiles.AddRange(FirefoxProfiles.Read(dir, FirefoxProfiles.DefaultRoots().Where(r => PathComparison.Same(r.Key, dir)).Select(r => r.Value).FirstOrDefault()));
                }
            }
            IEnumerable<FirefoxProfile> selected = Name == null ? profiles
                : SelectByName(profiles, Name, p => p.Name, name => $"No Firefox profile is named {NssCmdlet.Quote(name)}. Run Get-FirefoxProfile without -Name to list them.");
            foreach (FirefoxProfile profile in selected) WriteObject(profile);
        }
    }
}
