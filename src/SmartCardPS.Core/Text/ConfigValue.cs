namespace SmartCardPS.Text
{
    /// <summary>
    /// Values the cmdlets write into config files (udev rules, opensc.conf, pkcs11.txt, policies.json). A control
    /// character in one ends or splits its line for some reader of the file (udev and NSS at \n, others at NEL or
    /// U+2028), so the file says something other than what was asked: a second rule, another setting, a file named
    /// "98-u4\n.rules". Such a value is refused before anything is loaded or written.
    /// </summary>
    internal static class ConfigValue
    {
        /// <summary>Whether <paramref name="c"/> is a C0 or C1 control (DEL and NEL among them), or U+2028/U+2029.</summary>
        public static bool IsControl(char c) => char.IsControl(c) || c == '\u2028' || c == '\u2029';

        /// <summary>
        /// Why the value of -<paramref name="parameter"/> cannot be written into <paramref name="file"/>, naming the
        /// first control character escaped as messages show it (\x0A, \u2028); null when it holds none.
        /// </summary>
        public static string ControlCharacterProblem(string parameter, string value, string file)
        {
            if (value == null) return null;
            for (int i = 0; i < value.Length; i++)
            {
                if (!IsControl(value[i])) continue;
                return $"-{parameter} {UntrustedText.Quote(value)} holds the control character {UntrustedText.Escape(value[i].ToString())} "
                    + $"at position {i + 1}, which would end or split its line in {file}; nothing was written.";
            }
            return null;
        }
    }
}
