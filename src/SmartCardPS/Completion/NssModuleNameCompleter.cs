using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SmartCardPS.Nss;

namespace SmartCardPS.Completion
{
    /// <summary>
    /// Completes the module names of the NSS databases the command line names (-Profile, -NssDatabase,
    /// -SharedDatabase), else of every Firefox profile and the shared database, read from their pkcs11.txt.
    /// </summary>
    internal sealed class NssModuleNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var names = new List<string>();
            foreach (string directory in Databases(fakeBoundParameters))
            {
                try
                {
                    names.AddRange(NssModuleFile.Read(directory).Modules.Select(m => m.Name));
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidDataException)
                {
                    // A database that cannot be read has nothing to offer; the command itself will say why.
                }
            }
            return Completions.Matching(names, wordToComplete);
        }

        private static IEnumerable<string> Databases(IDictionary bound)
        {
            List<FirefoxProfile> profiles;
            try
            {
                profiles = FirefoxProfiles.FindAll();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                profiles = new List<FirefoxProfile>();
            }
            bool named = false;
            foreach (object value in Values(bound, "Profile"))
            {
                named = true;
                if (value is FirefoxProfile profile) yield return profile.Path;
                else foreach (FirefoxProfile p in profiles.Where(p => p.Name == value?.ToString())) yield return p.Path;
            }
            foreach (object value in Values(bound, "NssDatabase"))
            {
                named = true;
                string directory = null;
                try
                {
                    directory = NssModuleDatabase.DirectoryOf(value?.ToString() ?? string.Empty);
                }
                catch (ArgumentException)
                {
                    // dbm: databases hold no pkcs11.txt.
                }
                if (directory != null) yield return directory;
            }
            if (bound != null && bound.Contains("SharedDatabase"))
            {
                named = true;
                yield return NssModuleDatabase.SharedDatabase();
            }
            if (named) yield break;
            foreach (FirefoxProfile p in profiles) yield return p.Path;
            yield return NssModuleDatabase.SharedDatabase();
        }

        private static IEnumerable<object> Values(IDictionary bound, string name)
        {
            if (bound == null || !bound.Contains(name)) return Enumerable.Empty<object>();
            object value = bound[name] is PSObject pso ? pso.BaseObject : bound[name];
            return value is IEnumerable list && !(value is string)
                ? list.Cast<object>().Select(v => v is PSObject p ? p.BaseObject : v)
                : new[] { value };
        }
    }
}
