using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SmartCardPS.Text;

namespace SmartCardPS.P11Kit
{
    /// <summary>
    /// What may go into a p11-kit module config. p11-kit reads it line by line as "key: value" and trims each value,
    /// so a line break inside a value starts a line of its own (a remote: command every p11-kit program runs, a
    /// second module: that skipped our C_GetInfo check) and a blank at either end is lost; enable-in and disable-in
    /// are lists separated by commas and blanks.
    /// </summary>
    internal static class Pkcs11ConfigCheck
    {
        /// <summary>Refuses, before anything is loaded or written, a value of the request that the config would not carry as given.</summary>
        public static void CheckValues(Pkcs11ModuleRegistration request)
        {
            Check("-ModulePath", request.Library, listItem: false);
            foreach (string program in request.EnableIn ?? Array.Empty<string>()) Check("-EnableIn", program, listItem: true);
            foreach (string program in request.DisableIn ?? Array.Empty<string>()) Check("-DisableIn", program, listItem: true);
        }

        private static void Check(string parameter, string value, bool listItem)
        {
            string problem = Problem(value ?? string.Empty, listItem);
            if (problem != null)
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.InvalidValue,
                    $"{parameter} {UntrustedText.Quote(value)} {problem}; p11-kit reads its config line by line, so it could not be written as given. Nothing was loaded or written.", value);
        }

        private static string Problem(string value, bool listItem)
        {
            if (value.Length == 0) return "is empty";
            foreach (char c in value)
            {
                // Control characters (C0, DEL, C1 with U+0085 NEL) and the Unicode line and paragraph separators.
                if (char.IsControl(c) || c == '\u2028' || c == '\u2029') return $"holds the control character {UntrustedText.Character(c)} ({Escaped(c)})";
                if (listItem && (c == ',' || char.IsWhiteSpace(c))) return $"holds {(c == ',' ? "','" : c == ' ' ? "' '" : UntrustedText.Character(c))}, which separates the programs of the list";
            }
            if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[value.Length - 1])) return "starts or ends with a blank, which p11-kit trims";
            return null;
        }

        private static string Escaped(char c) => c < 0x100 ? "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture) : "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);

        /// <summary>
        /// Belt and braces: <paramref name="content"/> read back with our own parser must give exactly the intended
        /// settings and no others. Null when it does; else what differs.
        /// </summary>
        public static string ReadBackProblem(string content, string moduleSetting, Pkcs11ModuleRegistration intended)
        {
            var settings = Pkcs11ConfigParser.Parse(content, out string error);
            if (settings == null) return error;
            var expected = new Dictionary<string, string>(StringComparer.Ordinal) { ["module"] = moduleSetting };
            if (intended.Priority.HasValue) expected["priority"] = intended.Priority.Value.ToString(CultureInfo.InvariantCulture);
            if (intended.EnableIn != null && intended.EnableIn.Count > 0) expected["enable-in"] = string.Join("\n", intended.EnableIn);
            if (intended.DisableIn != null && intended.DisableIn.Count > 0) expected["disable-in"] = string.Join("\n", intended.DisableIn);
            if (intended.TrustPolicy) expected["trust-policy"] = "yes";
            if (intended.Critical) expected["critical"] = "yes";
            foreach (string key in settings.Keys.Union(expected.Keys))
            {
                settings.TryGetValue(key, out string found);
                if (found != null && (key == "enable-in" || key == "disable-in")) found = string.Join("\n", Pkcs11ConfigParser.List(found));
                expected.TryGetValue(key, out string want);
                if (found != want) return $"{key}: reads back as {UntrustedText.Quote(found)} instead of {UntrustedText.Quote(want)}";
            }
            return null;
        }

        /// <summary>Throws when <see cref="ReadBackProblem"/> finds one.</summary>
        public static void CheckReadBack(string content, string moduleSetting, Pkcs11ModuleRegistration intended)
        {
            string problem = ReadBackProblem(content, moduleSetting, intended);
            if (problem != null)
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.InvalidValue,
                    $"The config for {UntrustedText.Quote(intended.ConfigFile)} would not read back as intended ({problem}); nothing was written.", intended.ConfigFile);
        }
    }
}
