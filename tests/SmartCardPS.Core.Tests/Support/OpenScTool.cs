using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;

namespace SmartCardPS.Tests.Support
{
    /// <summary>What opensc-tool, the peer we cross-check against, says about the readers.</summary>
    internal static class OpenScTool
    {
        public sealed class Reader
        {
            public int Index;
            public string Name;
            public bool CardPresent;
        }

        public static IReadOnlyList<Reader> ListReaders()
        {
            var readers = new List<Reader>();
            // A fixed-width table; the Features column may be blank or hold words ("PIN pad"),
            // so the name is whatever starts under the "Name" header.
            int nameColumn = -1;
            foreach (string l in Run("-l").Split('\n'))
            {
                if (l.StartsWith("Nr.", StringComparison.Ordinal)) { nameColumn = l.IndexOf("Name", StringComparison.Ordinal); continue; }
                var m = Regex.Match(l, @"^(\d+)\s+(Yes|No)\s");
                if (!m.Success || nameColumn < 0 || l.Length <= nameColumn) continue;
                readers.Add(new Reader { Index = int.Parse(m.Groups[1].Value), CardPresent = m.Groups[2].Value == "Yes", Name = l.Substring(nameColumn).TrimEnd() });
            }
            return readers;
        }

        /// <summary>The ATR in our spelling (uppercase, spaces), or null when opensc-tool finds no card.</summary>
        public static string Atr(int readerIndex)
        {
            string output = Run($"-r {readerIndex} -a", allowFailure: true);
            var m = Regex.Match(output, @"^([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2})+)\s*$", RegexOptions.Multiline);
            return m.Success ? m.Groups[1].Value.Replace(':', ' ').ToUpperInvariant() : null;
        }

        private static string Run(string arguments, bool allowFailure = false)
        {
            var psi = new ProcessStartInfo("opensc-tool", arguments)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using (var p = Process.Start(psi))
            {
                string stdout = p.StandardOutput.ReadToEnd();
                string stderr = p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0 && !allowFailure)
                    throw new InvalidOperationException($"opensc-tool {arguments} exited {p.ExitCode}: {stderr}");
                return stdout + stderr;
            }
        }
    }
}
