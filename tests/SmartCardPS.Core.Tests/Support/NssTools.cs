using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace SmartCardPS.Tests.Support
{
    /// <summary>The real NSS tools (Debian libnss3-tools) the pkcs11.txt reader is checked against, and scratch databases.</summary>
    internal static class NssTools
    {
        public static readonly Encoding Latin1 = Encoding.GetEncoding(28591);

        /// <summary>A SoftHSM config with an empty token directory, in each database's directory.</summary>
        private const string SoftHsmConf = "softhsm2.conf";

        public static bool Available => File.Exists("/usr/bin/certutil") && File.Exists("/usr/bin/modutil");

        public static string Run(string tool, params string[] args)
        {
            var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, StandardOutputEncoding = Latin1 };
            foreach (string a in args) psi.ArgumentList.Add(a);
            // modutil loads SoftHSM to add it. The SoftHSM tests running alongside point the process's SOFTHSM2_CONF at
            // their private SoftHSM and delete it when done; a modutil started then failed with CKR_GENERAL_ERROR. The
            // tools read the database's own SoftHSM config instead.
            string database = args.FirstOrDefault(a => a.StartsWith("sql:", StringComparison.Ordinal))?.Substring(4);
            string softHsmConf = database == null ? null : Path.Combine(database, SoftHsmConf);
            if (softHsmConf != null && File.Exists(softHsmConf)) psi.Environment["SOFTHSM2_CONF"] = softHsmConf;
            else psi.Environment.Remove("SOFTHSM2_CONF");
            using (var p = Process.Start(psi))
            {
                p.StandardInput.Close();
                string output = p.StandardOutput.ReadToEnd();
                string error = p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(" ", args)} failed ({p.ExitCode}): {error}{output}");
                return output;
            }
        }

        /// <summary>A fresh database made by certutil -N, in a new temporary directory.</summary>
        public static string NewDatabase()
        {
            string dir = Path.Combine(Path.GetTempPath(), "smartcardps-nss-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            string tokens = Path.Combine(dir, "softhsm-tokens");
            Directory.CreateDirectory(tokens);
            File.WriteAllText(Path.Combine(dir, SoftHsmConf), $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n");
            Run("certutil", "-N", "--empty-password", "-d", "sql:" + dir);
            return dir;
        }

        /// <summary>modutil -rawlist: NSS's module spec strings, bytes as Latin-1 chars, the internal module left out.</summary>
        public static List<string> RawList(string dir) =>
            Run("modutil", "-dbdir", "sql:" + dir, "-rawlist").Split('\n').Where(l => l.Length > 0 && !l.Contains("Flags=internal")).ToList();

        /// <summary>modutil -list: (name, library) of each module but the internal one (listed first); "" for no library.</summary>
        public static List<KeyValuePair<string, string>> List(string dir)
        {
            var names = new List<string>();
            var libraries = new List<string>();
            foreach (string line in Run("modutil", "-dbdir", "sql:" + dir, "-list").Split('\n'))
            {
                var m = System.Text.RegularExpressions.Regex.Match(line, @"^\s+\d+\. (.*)$");
                if (m.Success) { names.Add(m.Groups[1].Value); libraries.Add(""); continue; }
                m = System.Text.RegularExpressions.Regex.Match(line, @"^\s+library name: (.*)$");
                if (m.Success && names.Count > 0) libraries[libraries.Count - 1] = m.Groups[1].Value;
            }
            return names.Select((n, i) => new KeyValuePair<string, string>(n, libraries[i])).Skip(1).ToList();
        }

        /// <summary>
        /// A python3 process holding an fcntl write lock on DIR/.parentlock, as a running Firefox does, until its
        /// stdin is closed. python3's lockf takes the same kind of lock (F_SETLK) Firefox takes.
        /// </summary>
        public static Process HoldParentLock(string profileDirectory)
        {
            var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardInput = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("import fcntl,sys\nf=open(sys.argv[1],'w')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\nsys.stdin.read()");
            psi.ArgumentList.Add(Path.Combine(profileDirectory, ".parentlock"));
            var holder = Process.Start(psi);
            if (holder.StandardOutput.ReadLine() != "locked") throw new InvalidOperationException("python3 did not take the lock");
            return holder;
        }

        public static string AsLatin1(string utf16) => Latin1.GetString(Encoding.UTF8.GetBytes(utf16));
    }
}
