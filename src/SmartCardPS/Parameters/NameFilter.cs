using System;
using System.Collections.Generic;
using System.Linq;

namespace SmartCardPS.Parameters
{
    /// <summary>
    /// -Name style filters: each name matches the texts equal to it (ignoring case) when there are any, else its
    /// wildcard pattern. Real reader names hold brackets ("… [CCID Interface] …"), which as a pattern are a
    /// character class, so an exact name must match exactly that item; completions escape them, which the pattern
    /// then reads literally.
    /// </summary>
    internal sealed class NameFilter
    {
        private readonly List<(string Name, Func<string, bool> Pattern)> names;
        private readonly HashSet<string> matched = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<string> exactOnly = new HashSet<string>(StringComparer.Ordinal);

        public NameFilter(IEnumerable<string> names)
        {
            this.names = names.Where(n => n != null).Distinct(StringComparer.Ordinal)
                .Select(n => (n, Wildcard.Matcher(n))).ToList();
        }

        public IEnumerable<string> Names => names.Select(n => n.Name);

        /// <summary>
        /// Tells the filter which texts there are to match: a name equal to one of them then matches only its equals,
        /// and is not also read as a pattern. Returns this filter.
        /// </summary>
        public NameFilter Among(IEnumerable<string> texts)
        {
            var present = new HashSet<string>(texts.Where(t => t != null), StringComparer.OrdinalIgnoreCase);
            foreach (var n in names)
            {
                if (present.Contains(n.Name)) exactOnly.Add(n.Name);
            }
            return this;
        }

        /// <summary>True when any name matches <paramref name="text"/>; remembers which did.</summary>
        public bool IsMatch(string text) => names.Aggregate(false, (any, n) => Matches(n, text) | any);

        /// <summary>True when <paramref name="name"/>, one of this filter's names, matches
        /// <paramref name="text"/>.</summary>
        public bool IsMatch(string name, string text) => names.Where(n => n.Name == name).Aggregate(false, (any, n) => Matches(n, text) | any);

        private bool Matches((string Name, Func<string, bool> Pattern) n, string text)
        {
            if (text == null) return false;
            bool equal = string.Equals(n.Name, text, StringComparison.OrdinalIgnoreCase);
            if (!equal && (exactOnly.Contains(n.Name) || !n.Pattern(text))) return false;
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
