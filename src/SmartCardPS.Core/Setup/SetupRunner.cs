using System;
using System.Collections.Generic;
using System.Linq;

namespace SmartCardPS.Setup
{
    /// <summary>Finds every <see cref="ISetupCheck"/> in this assembly and runs them in order.</summary>
    public static class SetupRunner
    {
        private static readonly Lazy<IReadOnlyList<ISetupCheck>> AllChecks = new Lazy<IReadOnlyList<ISetupCheck>>(Discover);

        public static IReadOnlyList<ISetupCheck> Checks => AllChecks.Value;

        /// <summary>Runs each check; a check that throws becomes a Fail naming the exception, and the others still run.</summary>
        public static IEnumerable<SetupCheck> Run(SetupContext context)
        {
            foreach (ISetupCheck check in Checks)
            {
                List<SetupCheck> results;
                try
                {
                    results = check.Run(context).ToList();
                }
                catch (Exception ex) when (!(ex is OutOfMemoryException))
                {
                    results = new List<SetupCheck>
                    {
                        new SetupCheck(check.GetType().Name, SetupStatus.Fail, $"The check stopped with {ex.GetType().Name}: {ex.Message}",
                            "Report this as a SmartCardPS bug, with the detail."),
                    };
                }
                foreach (SetupCheck result in results) yield return result;
            }
        }

        private static IReadOnlyList<ISetupCheck> Discover() =>
            typeof(SetupRunner).Assembly.GetTypes()
                .Where(t => typeof(ISetupCheck).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface && t.GetConstructor(Type.EmptyTypes) != null)
                .Select(t => (ISetupCheck)Activator.CreateInstance(t))
                .OrderBy(c => c.Order).ThenBy(c => c.GetType().Name, StringComparer.Ordinal)
                .ToList();
    }
}
