using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SmartCardPS.Os;
using SmartCardPS.Usb;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>On systemd machines, pcscd.socket and pcscd.service exist, and the socket is enabled and listening.</summary>
    public sealed class SystemdUnitsCheck : ISetupCheck
    {
        public const string Name = "pcscd systemd units";
        private static readonly string[] UnitDirectories = { "/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system" };

        public int Order => 300;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            if (!RunningOs.IsLinux)
            {
                yield return new SetupCheck(Name, SetupStatus.Skip, "systemd units exist on Linux only");
                yield break;
            }
            if (!context.Platform.Systemd)
            {
                yield return new SetupCheck(Name, SetupStatus.Skip, "systemd is not the init system here (no /run/systemd/system), so pcscd runs some other way");
                yield break;
            }
            ToolResult show = ToolRunner.Run("systemctl", "show pcscd.socket pcscd.service --property=Id,LoadState,ActiveState,UnitFileState");
            if (!show.Ok)
            {
                // A container with systemd's directories but no systemd to ask: say so rather than guess.
                yield return new SetupCheck(Name, SetupStatus.Warn, $"systemctl did not answer (exit code {show.ExitCode}): {show.Stderr.Trim()}",
                    "run Test-SmartCardSetup where systemctl works, or check with: systemctl status pcscd.socket pcscd.service");
                yield break;
            }
            bool unitFilePresent = UnitDirectories.Any(d => File.Exists(CcidSupportedReaders.Rooted(context.Root, d + "/pcscd.socket")));
            yield return Judge(ParseShow(show.Stdout), unitFilePresent, context.Platform);
        }

        /// <summary>`systemctl show` output (blank-line separated blocks of Key=Value) per unit Id.</summary>
        public static Dictionary<string, Dictionary<string, string>> ParseShow(string output)
        {
            var units = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            var current = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string raw in (output ?? "").Split('\n').Concat(new[] { "" }))
            {
                string line = raw.TrimEnd('\r');
                if (line.Length == 0)
                {
                    if (current.TryGetValue("Id", out string id)) units[id] = current;
                    current = new Dictionary<string, string>(StringComparer.Ordinal);
                    continue;
                }
                int eq = line.IndexOf('=');
                if (eq > 0) current[line.Substring(0, eq)] = line.Substring(eq + 1);
            }
            return units;
        }

        public static SetupCheck Judge(Dictionary<string, Dictionary<string, string>> units, bool unitFilePresent, SetupPlatform platform)
        {
            units.TryGetValue("pcscd.socket", out var socket);
            units.TryGetValue("pcscd.service", out var service);
            string Get(Dictionary<string, string> u, string key) => u != null && u.TryGetValue(key, out string v) ? v : "";
            if (Get(socket, "LoadState") != "loaded")
            {
                // The ArchWiki's tip: "Unit pcscd.socket not found" after installing pcscd means systemd has not reread its units.
                return unitFilePresent
                    ? new SetupCheck(Name, SetupStatus.Fail, "pcscd.socket is installed but systemd has not loaded it (Unit pcscd.socket not found)",
                        "sudo systemctl daemon-reload && sudo systemctl enable --now pcscd.socket")
                    : new SetupCheck(Name, SetupStatus.Fail, "there is no pcscd.socket unit: pcscd is not installed",
                        platform.Install("pcscd") + " && sudo systemctl enable --now pcscd.socket");
            }
            string state = $"pcscd.socket {Get(socket, "UnitFileState")}, {Get(socket, "ActiveState")}; pcscd.service {Get(service, "ActiveState")}";
            bool enabled = Get(socket, "UnitFileState") == "enabled" || Get(socket, "UnitFileState") == "static";
            bool listening = Get(socket, "ActiveState") == "active";
            if (enabled && listening) return new SetupCheck(Name, SetupStatus.Pass, state);
            if (Get(service, "ActiveState") == "active")
                return new SetupCheck(Name, SetupStatus.Warn, state + ": pcscd runs now but will not start on demand after a reboot", "sudo systemctl enable --now pcscd.socket");
            return new SetupCheck(Name, SetupStatus.Fail, state, "sudo systemctl enable --now pcscd.socket");
        }
    }
}
