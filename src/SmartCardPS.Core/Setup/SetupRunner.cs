using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;

namespace SmartCardPS.Setup
{
    /// <summary>Finds every <see cref="ISetupCheck"/> in this assembly and runs them all at once, reporting in order.</summary>
    public static class SetupRunner
    {
        private static readonly Lazy<IReadOnlyList<ISetupCheck>> AllChecks = new Lazy<IReadOnlyList<ISetupCheck>>(Discover);

        public static IReadOnlyList<ISetupCheck> Checks => AllChecks.Value;

        /// <summary>A check's name as its results carry it: the class's <c>Name</c> constant, or the class name without "Check".</summary>
        public static string NameOf(ISetupCheck check)
        {
            Type type = check.GetType();
            FieldInfo field = type.GetField("Name", BindingFlags.Public | BindingFlags.Static);
            if (field != null && field.FieldType == typeof(string) && field.GetValue(null) is string name) return name;
            return type.Name.EndsWith("Check", StringComparison.Ordinal) ? type.Name.Substring(0, type.Name.Length - 5) : type.Name;
        }

        /// <summary>
        /// Runs <paramref name="checks"/> (every check when null), each on a thread of its own, and yields their results in
        /// <see cref="ISetupCheck.Order"/>, each as soon as it and those before it are done. The checks share only the
        /// context's facts, each computed once whoever asks first (the others wait for it), and take turns on the cards
        /// (<see cref="SetupContext.CardAccess"/>); so the slow ones (OpenSC probing a card for seconds, systemctl, the
        /// USB scan) overlap instead of adding up. Each result's Elapsed is its check's own wall time, waits included.
        /// A check that throws becomes a Fail naming the exception, and the others still run. <paramref name="waiting"/>,
        /// when given, is told on the enumerating thread which check's results come next (its name, its index, the count)
        /// before they are waited for, so a caller can say what a pause of seconds is for.
        /// </summary>
        public static IEnumerable<SetupCheck> Run(SetupContext context, IEnumerable<ISetupCheck> checks = null, Action<string, int, int> waiting = null)
        {
            var ordered = (checks ?? Checks).OrderBy(c => c.Order).ThenBy(c => c.GetType().Name, StringComparer.Ordinal).ToList();
            // LongRunning: a thread each, since most checks block (on a tool, a module, a shared fact) and the pool
            // would add threads for them only slowly on a machine with few cores.
            var running = ordered.Select(c => Task.Factory.StartNew(() => RunOne(c, context), TaskCreationOptions.LongRunning)).ToList();
            for (int i = 0; i < running.Count; i++)
            {
                waiting?.Invoke(NameOf(ordered[i]), i, running.Count);
                foreach (SetupCheck result in running[i].GetAwaiter().GetResult()) yield return result;
            }
        }

        private static List<SetupCheck> RunOne(ISetupCheck check, SetupContext context)
        {
            var clock = Stopwatch.StartNew();
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
            foreach (SetupCheck result in results) result.Elapsed = clock.Elapsed;
            return results;
        }

        private static IReadOnlyList<ISetupCheck> Discover() =>
            typeof(SetupRunner).Assembly.GetTypes()
                .Where(t => typeof(ISetupCheck).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface && t.GetConstructor(Type.EmptyTypes) != null)
                .Select(t => (ISetupCheck)Activator.CreateInstance(t))
                .OrderBy(c => c.Order).ThenBy(c => c.GetType().Name, StringComparer.Ordinal)
                .ToList();
    }
}
