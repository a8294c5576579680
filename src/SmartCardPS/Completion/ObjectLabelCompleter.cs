using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Completion
{
    /// <summary>
    /// Completes object labels (Get-Pkcs11Object -Label, a pattern) with what this session's last Get-Pkcs11Object
    /// saw, private objects included when it logged in. Before any listing, with the public objects of every enabled
    /// module's tokens, listed in the background (waited for at most <see cref="Completions.Patience"/>) without a
    /// login, so no PIN is asked for; only libraries no user but root can change are loaded for it, since Tab
    /// should run no code a user could have put there. A bound -Type keeps its classes only.
    /// </summary>
    internal class ObjectLabelCompleter : IArgumentCompleter
    {
        internal static readonly CachedListing<Pkcs11Object[]> PublicObjects = new CachedListing<Pkcs11Object[]>(ListPublic);

        // Per runspace: one session's private labels are not offered in another hosted in the same process.
        private static readonly ConditionalWeakTable<Runspace, Pkcs11Object[]> LastListing = new ConditionalWeakTable<Runspace, Pkcs11Object[]>();

        /// <summary>True when the parameter takes wildcards, so a completed label is escaped.</summary>
        protected virtual bool Wildcards => true;

        /// <summary>Keeps what a Get-Pkcs11Object run saw as this session's last listing.</summary>
        internal static void Remember(IEnumerable<Pkcs11Object> seen)
        {
            Runspace runspace = Runspace.DefaultRunspace;
            if (runspace == null) return;
            lock (LastListing)
            {
                LastListing.Remove(runspace);
                LastListing.Add(runspace, seen.ToArray());
            }
        }

        /// <summary>The objects to offer: this session's last listing, else (when it saw none) the public
        /// ones.</summary>
        internal static Pkcs11Object[] Listed()
        {
            Pkcs11Object[] objects = null;
            Runspace runspace = Runspace.DefaultRunspace;
            if (runspace != null)
            {
                lock (LastListing) LastListing.TryGetValue(runspace, out objects);
            }
            if (objects == null || objects.Length == 0) objects = PublicObjects.GetWithin(Completions.Patience);
            return objects ?? Array.Empty<Pkcs11Object>();
        }

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            HashSet<Pkcs11ObjectClass> types = Types(fakeBoundParameters);
            return Completions.Matching(Listed().Where(o => types == null || types.Contains(o.Class)).Select(o => o.Label), wordToComplete, Wildcards);
        }

        private static HashSet<Pkcs11ObjectClass> Types(IDictionary bound)
        {
            if (bound == null || !bound.Contains("Type")) return null;
            object value = bound["Type"] is PSObject pso ? pso.BaseObject : bound["Type"];
            IEnumerable<object> values = value is IEnumerable list && !(value is string) ? list.Cast<object>() : new[] { value };
            var types = new HashSet<Pkcs11ObjectClass>();
            foreach (object v in values)
            {
                if (Enum.TryParse((v is PSObject p ? p.BaseObject : v)?.ToString(), true, out Pkcs11ObjectClass type)) types.Add(type);
            }
            return types.Count == 0 ? null : types;
        }

        private static Pkcs11Object[] ListPublic()
        {
            var objects = new List<Pkcs11Object>();
            foreach (Pkcs11Module module in Pkcs11Registry.Load().EnabledModules)
            {
                if (string.IsNullOrEmpty(module.Path) || Pkcs11LibraryWriters.Problem(module.Path) != null) continue;
                try
                {
                    using (var library = Pkcs11Library.Load(module.Path, module.Name, module.ConfigFile))
                    {
                        foreach (Pkcs11Token token in library.GetTokens(includeEmptySlots: false, _ => { }).Where(t => t.TokenInitialized))
                        {
                            objects.AddRange(ReadPublic(library, token));
                        }
                    }
                }
                catch (Pkcs11ModuleException)
                {
                    // A module that cannot be used offers nothing; Get-Pkcs11Object says why.
                }
            }
            return objects.ToArray();
        }

        private static IEnumerable<Pkcs11Object> ReadPublic(Pkcs11Library library, Pkcs11Token token)
        {
            try
            {
                return Pkcs11ObjectReader.Read(library, token, new Pkcs11ObjectQuery { Login = false });
            }
            catch (Pkcs11ModuleException)
            {
                return Enumerable.Empty<Pkcs11Object>();
            }
        }
    }
}
