using System;
using System.Management.Automation;

namespace SmartCardPS.Parameters
{
    /// <summary>Names read as wildcard patterns, as every -Name, -Reader and -Label parameter reads them.</summary>
    internal static class Wildcard
    {
        /// <summary>
        /// Matches text against <paramref name="name"/> as a pattern, ignoring case. A name that is not a valid pattern
        /// (a lone '[', as a cut reader name or an ESC [ sequence holds) can only be meant literally: it matches the
        /// text equal to it, where WildcardPattern would throw at the first match.
        /// </summary>
        public static Func<string, bool> Matcher(string name)
        {
            var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
            try
            {
                pattern.IsMatch(string.Empty);
            }
            catch (WildcardPatternException)
            {
                return text => string.Equals(text, name, StringComparison.OrdinalIgnoreCase);
            }
            return pattern.IsMatch;
        }
    }
}
