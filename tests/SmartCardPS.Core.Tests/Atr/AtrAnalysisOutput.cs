using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SmartCardPS.Atr;
using SmartCardPS.Iso7816;

namespace SmartCardPS.Tests.Atr
{
    /// <summary>Runs pcsc-tools' ATR_analysis on one ATR and reads the fields it prints.</summary>
    internal sealed class AtrAnalysisOutput
    {
        public const string Program = "/usr/bin/ATR_analysis";

        private static readonly Regex Color = new Regex(@"\x1b\[[0-9;]*m");
        private static readonly Regex InterfaceLine = new Regex(@"^\s+T([ABCD])\((\d+)\) = ([0-9A-F]{2}) --> (.*)$");

        public string Text;
        public List<(string Name, byte Value, string Meaning)> InterfaceBytes = new List<(string, byte, string)>();
        public string HistoricalBytes;
        public string Category;
        public List<string> CompactTlv = new List<string>();
        public List<string> CompactTlvValues = new List<string>();
        public List<string> LifeCycle = new List<string>();
        public List<string> StatusWords = new List<string>();
        public string Tck;
        public List<string> Identification = new List<string>();
        public bool Identified;

        public string Meaning(string name) => InterfaceBytes.FirstOrDefault(b => b.Name == name).Meaning;

        /// <summary>
        /// HOME is a private directory holding a fresh copy of the list as its cache, so ATR_analysis reads the same
        /// file as the test and never tries to download a newer one (it only does when its cache is over 10 hours old).
        /// </summary>
        public static AtrAnalysisOutput Run(string atr, string home)
        {
            var psi = new ProcessStartInfo("perl", $"{Program} {atr}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.Environment["HOME"] = home;
            psi.Environment.Remove("XDG_CACHE_HOME");
            using (var p = Process.Start(psi))
            {
                string output = p.StandardOutput.ReadToEnd();
                p.StandardError.ReadToEnd();
                p.WaitForExit();
                return Parse(Color.Replace(output, ""));
            }
        }

        public static string PrepareHome(string listPath)
        {
            string home = Path.Combine(Path.GetTempPath(), "atr-analysis-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path.Combine(home, ".cache"));
            File.Copy(listPath, Path.Combine(home, ".cache", "smartcard_list.txt"));
            return home;
        }

        private static AtrAnalysisOutput Parse(string text)
        {
            var o = new AtrAnalysisOutput { Text = text };
            bool identification = false;
            foreach (string line in text.Split('\n'))
            {
                Match m;
                if (identification)
                {
                    if (line.StartsWith("\t") && line.Trim() != "NONE") o.Identification.Add(line.Trim());
                    continue;
                }
                if ((m = InterfaceLine.Match(line)).Success)
                {
                    o.InterfaceBytes.Add(("T" + m.Groups[1].Value + m.Groups[2].Value, Convert.ToByte(m.Groups[3].Value, 16), m.Groups[4].Value.Trim()));
                }
                else if (line.StartsWith("+ Historical bytes:"))
                {
                    o.HistoricalBytes = line.Substring("+ Historical bytes:".Length).Trim();
                }
                else if ((m = Regex.Match(line, @"^\s+Category indicator byte: (\S+)")).Success)
                {
                    o.Category = m.Groups[1].Value;
                }
                else if ((m = Regex.Match(line, @"^\s+Tag: (\S), len: (\S)")).Success)
                {
                    o.CompactTlv.Add(m.Groups[1].Value + m.Groups[2].Value);
                }
                else if ((m = Regex.Match(line, @"^\s+(Card service data byte|Selection methods|Data coding byte|Command chaining, length fields and logical channels|Country code|Issuer identification number|Initial access data|Card issuer data|Data|Application identifier|Value): ?(.*)$")).Success)
                {
                    o.CompactTlvValues.Add(m.Groups[2].Value.Trim());
                }
                else if ((m = Regex.Match(line, @"LCS \(life card cycle\): (\S+)")).Success)
                {
                    o.LifeCycle.Add(m.Groups[1].Value);
                }
                else if ((m = Regex.Match(line, @"^\s+SW: (\S+)")).Success)
                {
                    o.StatusWords.Add(m.Groups[1].Value);
                }
                else if (line.StartsWith("+ TCK = "))
                {
                    o.Tck = line.Substring("+ TCK = ".Length).Trim();
                }
                else if (line.StartsWith("Possibly identified card"))
                {
                    identification = true;
                    o.Identified = true;
                }
            }
            return o;
        }
    }
}
