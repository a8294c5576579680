using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// -Name style filters: each name matches a text equal to it (ignoring case) or its wildcard pattern. Real
    /// reader names hold brackets ("… [CCID Interface] …"), which as a pattern are a character class, so the
    /// exact text must always match too; completions escape them, which the pattern then reads literally.
    /// </summary>
    internal sealed class NameFilter
    {
        private readonly List<(string Name, WildcardPattern Pattern)> names;
        private readonly HashSet<string> matched = new HashSet<string>(StringComparer.Ordinal);

        public NameFilter(IEnumerable<string> names)
        {
            this.names = names.Where(n => n != null).Distinct(StringComparer.Ordinal)
                .Select(n => (n, WildcardPattern.Get(n, WildcardOptions.IgnoreCase))).ToList();
        }

        public IEnumerable<string> Names => names.Select(n => n.Name);

        /// <summary>True when any name matches <paramref name="text"/>; remembers which did.</summary>
        public bool IsMatch(string text) => names.Aggregate(false, (any, n) => Matches(n, text) | any);

        /// <summary>True when <paramref name="name"/>, one of this filter's names, matches <paramref name="text"/>.</summary>
        public bool IsMatch(string name, string text) => names.Where(n => n.Name == name).Aggregate(false, (any, n) => Matches(n, text) | any);

        private bool Matches((string Name, WildcardPattern Pattern) n, string text)
        {
            if (text == null) return false;
            if (!string.Equals(n.Name, text, StringComparison.OrdinalIgnoreCase) && !n.Pattern.IsMatch(text)) return false;
            matched.Add(n.Name);
            return true;
        }

        /// <summary>
        /// The names that matched nothing and were meant literally: without * or ?, since brackets alone are far
        /// more often part of a reader name than a character class.
        /// </summary>
        public IEnumerable<string> UnmatchedLiterals =>
            names.Select(n => n.Name).Where(n => !matched.Contains(n) && n.IndexOfAny(new[] { '*', '?' }) < 0);
    }
}
