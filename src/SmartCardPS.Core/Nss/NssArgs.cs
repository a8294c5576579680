using System;

namespace SmartCardPS.Nss
{
    /// <summary>
    /// NSS's module-spec argument syntax (utilpars.c): space-separated key=value pairs, keys matched
    /// case-insensitively, values bare or wrapped in ' " &lt; { ( [ with backslash escapes. Reproduced exactly,
    /// because what a pkcs11.txt means is what NSS makes of it, quirks included.
    /// </summary>
    internal static class NssArgs
    {
        public static bool IsBlank(char c) => c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';

        private static bool IsQuote(char c) => c == '\'' || c == '"' || c == '<' || c == '{' || c == '(' || c == '[';

        private static char Pair(char c)
        {
            switch (c)
            {
                case '<': return '>';
                case '{': return '}';
                case '(': return ')';
                case '[': return ']';
                default: return c;
            }
        }

        public static int Strip(string s, int i)
        {
            while (i < s.Length && IsBlank(s[i])) i++;
            return i;
        }

        /// <summary>Where the value starting at <paramref name="i"/> ends (its closing quote, or the first blank).</summary>
        private static int FindEnd(string s, int i)
        {
            char endChar = ' ';
            if (i < s.Length && IsQuote(s[i])) endChar = Pair(s[i++]);
            bool lastEscape = false;
            for (; i < s.Length; i++)
            {
                if (lastEscape) { lastEscape = false; continue; }
                if (s[i] == '\\') { lastEscape = true; continue; }
                if (endChar == ' ' && IsBlank(s[i])) break;
                if (s[i] == endChar) break;
            }
            return i;
        }

        /// <summary>The value at <paramref name="i"/> unquoted and unescaped (null when empty); <paramref name="next"/> is past it.</summary>
        public static string FetchValue(string s, int i, out int next)
        {
            int end = FindEnd(s, i);
            if (end == i) { next = i; return null; }
            next = end < s.Length ? end + 1 : end;
            var sb = new System.Text.StringBuilder(end - i);
            int j = i;
            if (IsQuote(s[j])) j++;
            bool lastEscape = false;
            for (; j < end; j++)
            {
                if (s[j] == '\\' && !lastEscape) { lastEscape = true; continue; }
                lastEscape = false;
                sb.Append(s[j]);
            }
            return sb.ToString();
        }

        private static int SkipParameter(string s, int i)
        {
            for (; i < s.Length; i++)
            {
                if (s[i] == '=') { i++; break; }
                if (IsBlank(s[i])) return i;
            }
            int end = FindEnd(s, i);
            return end < s.Length ? end + 1 : end;
        }

        /// <summary>NSSUTIL_ArgGetParamValue: the value of <paramref name="name"/>= in a parameter string, or null.</summary>
        public static string GetParamValue(string name, string parameters)
        {
            if (parameters == null) return null;
            string key = name + "=";
            int i = Strip(parameters, 0);
            while (i < parameters.Length)
            {
                if (string.Compare(parameters, i, key, 0, key.Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    return FetchValue(parameters, i + key.Length, out _);
                }
                i = Strip(parameters, SkipParameter(parameters, i));
            }
            return null;
        }

        /// <summary>NSSUTIL_ArgParseModuleSpecEx: library=, name=, parameters=, NSS=, config=; a later key replaces an earlier one.</summary>
        public static string[] ParseModuleSpec(string spec)
        {
            string[] keys = { "library=", "name=", "parameters=", "nss=", "config=" };
            var values = new string[keys.Length];
            int i = Strip(spec, 0);
            while (i < spec.Length)
            {
                int k = Array.FindIndex(keys, key => string.Compare(spec, i, key, 0, key.Length, StringComparison.OrdinalIgnoreCase) == 0);
                if (k >= 0)
                {
                    values[k] = FetchValue(spec, i + keys[k].Length, out int next);
                    i = next;
                }
                else
                {
                    i = SkipParameter(spec, i);
                }
                i = Strip(spec, i);
            }
            return values;
        }

        /// <summary>NSSUTIL_Quote: wraps in <paramref name="quote"/>, escaping it and backslashes.</summary>
        public static string Quote(string text, char quote)
        {
            var sb = new System.Text.StringBuilder(text.Length + 2).Append(quote);
            foreach (char c in text)
            {
                if (c == '\\' || c == quote) sb.Append('\\');
                sb.Append(c);
            }
            return sb.Append(quote).ToString();
        }
    }
}
