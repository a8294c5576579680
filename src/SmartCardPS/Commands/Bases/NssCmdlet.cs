using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System;
using SmartCardPS.Completion;
using SmartCardPS.Nss;
using SmartCardPS.Parameters;
using SmartCardPS.Text;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>What the NSS cmdlets share: -Profile, -NssDatabase, -SharedDatabase and -AllProfiles, turned into
    /// databases.</summary>
    public abstract class NssCmdlet : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">Firefox profiles (from Get-FirefoxProfile, or by name or directory).</para>
        /// </summary>
        [Parameter(ParameterSetName = "Profile", ValueFromPipeline = true, HelpMessage = "Firefox profiles, by object, name or directory.")]
        [FirefoxProfileTransformation]
        [ArgumentCompleter(typeof(FirefoxProfileNameCompleter))]
        [ValidateNotNullOrEmpty]
        public FirefoxProfile[] Profile { get; set; }

        /// <summary>
        /// <para type="description">NSS database directories (an sql: prefix is allowed), such as certutil -d and
        /// modutil -dbdir take; modules from Get-NssModule give their Database.</para>
        /// </summary>
        [Parameter(ParameterSetName = "Database", Mandatory = true, ValueFromPipelineByPropertyName = true, HelpMessage = "NSS database directories.")]
        [Alias("Database")]
        [ValidateNotNullOrEmpty]
        public string[] NssDatabase { get; set; }

        /// <summary>
        /// <para type="description">The shared NSS database that Chromium and other NSS programs use: ~/.pki/nssdb,
        /// else $XDG_DATA_HOME/pki/nssdb.</para>
        /// </summary>
        [Parameter(ParameterSetName = "Shared", Mandatory = true, HelpMessage = "The shared NSS database.")]
        public SwitchParameter SharedDatabase { get; set; }

        /// <summary>
        /// <para type="description">Every profile Get-FirefoxProfile finds.</para>
        /// </summary>
        [Parameter(ParameterSetName = "All", Mandatory = true, HelpMessage = "Every Firefox profile.")]
        public SwitchParameter AllProfiles { get; set; }

        /// <summary>
        /// The databases named by the parameters, each once (see <see cref="NssTargetResolver.Resolve"/>); a dbm:
        /// database is an error of its own, no database to name and no default profile ends the command.
        /// </summary>
        protected List<NssTarget> Targets(bool everyProfileByDefault)
        {
            var resolver = new NssTargetResolver(SessionState.Path.GetUnresolvedProviderPathFromPSPath)
            {
                Profiles = Profile, Databases = NssDatabase, SharedDatabase = SharedDatabase, AllProfiles = AllProfiles,
            };
            var invalid = new List<KeyValuePair<string, ArgumentException>>();
            List<NssTarget> targets = null;
            try
            {
                targets = resolver.Resolve(everyProfileByDefault, invalid);
            }
            catch (NssException ex)
            {
                ThrowNssError(ex);
            }
            foreach (var database in invalid) WriteError(NewError(database.Value, "InvalidDatabase", ErrorCategory.InvalidArgument, database.Key));
            return targets;
        }

        /// <summary>Ends the command with the core's reason as the error id's (NoProfile, NotFound,
        /// NotPkcs11).</summary>
        protected void ThrowNssError(NssException exception)
        {
            bool notFound = exception.Failure != NssFailure.NotPkcs11;
            ThrowTerminatingError(NewError(notFound ? new ItemNotFoundException(exception.Message, exception) : (Exception)new InvalidDataException(exception.Message, exception),
                exception.Failure.ToString(), notFound ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidData, exception.Target));
        }

        /// <summary>The database's modules, or null after writing the error (missing directory, unreadable
        /// file).</summary>
        protected NssModuleFile ReadDatabase(NssTarget target)
        {
            if (!System.IO.Directory.Exists(target.Directory))
            {
                WriteError(NewError(new ItemNotFoundException($"{target.Description} does not exist. {NssModuleDatabase.CreateAdvice(target.Directory)}"),
                    "DatabaseNotFound", ErrorCategory.ObjectNotFound, target.Directory));
                return null;
            }
            try
            {
                return NssModuleFile.Read(target.Directory);
            }
            catch (InvalidDataException ex)
            {
                WriteError(NewError(ex, "InvalidData", ErrorCategory.InvalidData, target.Directory));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                if (TryWriteUnsafePathError(ex, target.Directory)) return null;
                WriteError(NewError(ex, "ReadFailed", ErrorCategory.ReadError, target.Directory));
            }
            return null;
        }

        /// <summary>
        /// A Firefox using the database (by its profile lock) makes a change unsafe: NSS keeps its own copy of the
        /// module list and Firefox loads modules at start. Returns false after writing the error, unless -Force. Asked
        /// before ShouldProcess, so -WhatIf names exactly the databases the real run changes; what -Force then says
        /// goes to <paramref name="restartWarning"/>, for the caller to write once the change is confirmed.
        /// </summary>
        /// <param name="target">The database to change.</param>
        /// <param name="force">-Force: warn and go on.</param>
        /// <param name="module">The module the change is about, quoted.</param>
        /// <param name="verb">What the change does to it: "added" or "removed".</param>
        /// <param name="restartWarning">With -Force and Firefox running, the warning to write after the change; else
        /// null.</param>
        protected bool CheckNotRunning(NssTarget target, bool force, string module, string verb, out string restartWarning)
        {
            restartWarning = null;
            int holder = ProfileLock.Holder(target.Directory);
            if (holder < 0) return true;
            string who = holder > 0 ? $"Firefox (process {holder})" : "Firefox";
            if (force)
            {
                restartWarning = $"{who} is running with {target.Description}: restart Firefox so it sees the change (module {module} {verb}).";
                return true;
            }
            // Said as what did not happen: "(module 'x' added)" after "nothing was changed" read as if it had.
            WriteError(NewError(new InvalidOperationException(
                $"{who} is running with {target.Description}, so module {module} was not {verb}; nothing was changed. Close Firefox and run again, or use -Force and then restart Firefox."),
                "FirefoxRunning", ErrorCategory.ResourceBusy, target.Directory));
            return false;
        }

        /// <summary>Maps a failed write to PermissionDenied or WriteFailed.</summary>
        protected void WriteModuleFileError(Exception ex, NssTarget target)
        {
            if (ex is InvalidOperationException || ex is InvalidDataException)
            {
                // Another writer changed the file between our look and the locked write, or it would not read back.
                WriteError(NewError(ex, ex is InvalidDataException ? "InvalidData" : "NameInUse", ex is InvalidDataException ? ErrorCategory.InvalidData : ErrorCategory.ResourceExists, target.Directory));
                return;
            }
            WriteFileError(ex, System.IO.Path.Combine(target.Directory, NssModuleFile.FileName), "run as the profile's owner or elevated.", target.Directory);
        }

        /// <summary>Untrusted text (names from files) as the shared core helper quotes it.</summary>
        internal static string Quote(string text) => UntrustedText.Quote(text);
    }
}
