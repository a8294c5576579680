using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;

namespace SmartCardPS.P11Kit
{
    /// <summary>Asks pkg-config for how p11-kit was built; p11-kit's directories differ between distributions.</summary>
    internal static class PkgConfig
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Cache =
            new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);

        /// <summary>The variable's value, or null when pkg-config or p11-kit's .pc file is missing.</summary>
        public static string Variable(string name)
        {
            if (Cache.TryGetValue(name, out string cached)) return cached.Length == 0 ? null : cached;
            string value = Query(name) ?? string.Empty;
            Cache[name] = value;
            return value.Length == 0 ? null : value;
        }

        private static string Query(string name)
        {
            var psi = new ProcessStartInfo("pkg-config", "--variable=" + name + " p11-kit-1")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            try
            {
                using (var p = Process.Start(psi))
                {
                    string output = p.StandardOutput.ReadToEnd().Trim();
                    p.StandardError.ReadToEnd();
                    p.WaitForExit();
                    return p.ExitCode == 0 && output.Length > 0 && Directory.Exists(output) ? output : null;
                }
            }
            catch (Win32Exception)
            {
                return null;
            }
        }
    }
}
