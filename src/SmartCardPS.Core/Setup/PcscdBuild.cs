using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SmartCardPS.Os;

namespace SmartCardPS.Setup
{
    /// <summary>
    /// How the installed pcscd was built, from its --version ("Enabled features: … polkit …", the PCSCLITE_FEATURES
    /// of pcsc-lite's build): whether polkit decides who may use it is the fact that matters here.
    /// </summary>
    public sealed class PcscdBuild
    {
        public string Version { get; private set; }

        public IReadOnlyList<string> Features { get; private set; }

        public bool Polkit => Features.Contains("polkit");

        public string Describe() => $"pcscd {Version}, built {(Polkit ? "with" : "without")} polkit";

        /// <summary>pcscd --version's text read, or null when it is not pcsc-lite's.</summary>
        public static PcscdBuild Parse(string text)
        {
            Match version = Regex.Match(text ?? "", @"pcsc-lite version ([0-9][0-9.]*[0-9])");
            if (!version.Success) return null;
            Match features = Regex.Match(text, @"^Enabled features:(.*)$", RegexOptions.Multiline);
            return new PcscdBuild
            {
                Version = version.Groups[1].Value,
                Features = features.Success ? features.Groups[1].Value.Split(new[] { ' ', '\t', '\r' }, StringSplitOptions.RemoveEmptyEntries) : Array.Empty<string>(),
            };
        }

        /// <summary>The installed pcscd's build (sbin is not on every user's PATH, so its usual places come first), or null.</summary>
        internal static PcscdBuild Read()
        {
            string pcscd = new[] { "/usr/sbin/pcscd", "/usr/local/sbin/pcscd", "/sbin/pcscd" }.FirstOrDefault(File.Exists) ?? "pcscd";
            ToolResult result = ToolRunner.Run(pcscd, "--version");
            return result.Ok ? Parse(result.Stdout + "\n" + result.Stderr) : null;
        }
    }
}
