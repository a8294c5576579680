using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.OpenSc
{
    /// <summary>
    /// One opensc.conf: where OpenSC looks for it, what it says, and edits of single settings that leave every
    /// other byte of the file as it was and replace the file atomically with its mode kept.
    /// </summary>
    public sealed class OpenScConfigFile
    {
        public const string EnvironmentVariable = "OPENSC_CONF";
        internal static readonly string[] PcscPath = { "app", "default", "reader_driver", "pcsc" };
        internal static readonly string[] AppPath = { "app", "default" };

        private OpenScConfigFile(string path, string text, bool exists)
        {
            Path = path;
            Text = text;
            Exists = exists;
            Root = OpenScConfigParser.Parse(path, text);
        }

        public string Path { get; }
        public string Text { get; private set; }
        public bool Exists { get; }
        internal OpenScConfigNode Root { get; private set; }

        /// <summary>The file OpenSC reads: OPENSC_CONF, else the first existing default for this platform, else the first default.</summary>
        public static string DefaultPath()
        {
            string env = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrEmpty(env)) return env;
            string[] candidates = DefaultCandidates().ToArray();
            return candidates.FirstOrDefault(File.Exists) ?? candidates[0];
        }

        private static IEnumerable<string> DefaultCandidates()
        {
            if (RunningOs.IsWindows)
            {
                string programFiles = Environment.GetEnvironmentVariable("ProgramFiles") ?? @"C:\Program Files";
                yield return System.IO.Path.Combine(programFiles, "OpenSC Project", "OpenSC", "opensc.conf");
                yield break;
            }
            if (RunningOs.IsMacOS)
            {
                yield return "/Library/OpenSC/etc/opensc.conf";
                yield return "/opt/homebrew/etc/opensc.conf";
                yield return "/usr/local/etc/opensc.conf";
                yield break;
            }
            // Debian and Ubuntu build OpenSC with /etc/opensc/; Arch, Fedora and openSUSE with /etc/.
            yield return "/etc/opensc/opensc.conf";
            yield return "/etc/opensc.conf";
            yield return "/usr/local/etc/opensc.conf";
        }

        /// <summary>Why a missing file is not read or edited: a -Path that names nothing is most likely mistyped.</summary>
        public static string MissingProblem(string path, bool editing) => editing
            ? $"{UntrustedText.Escape(path)} does not exist; nothing was written. Check the path, or add -Create to create the file."
            : $"{UntrustedText.Escape(path)} does not exist. Check the path; OpenSC reads the file named by {EnvironmentVariable}, else {DefaultPath()}.";

        /// <summary>What OpenSC does when the file it would read is missing, as a warning says it.</summary>
        public static string DefaultsWarning(string path) =>
            $"{UntrustedText.Escape(path)} does not exist, so OpenSC uses its built-in defaults, shown here.";

        /// <summary>Reads and parses the file; a missing file is an empty configuration. Throws <see cref="OpenScConfigException"/> for a malformed one.</summary>
        public static OpenScConfigFile Load(string path = null)
        {
            path = path ?? DefaultPath();
            string text = SafeFile.ReadText(path);
            return new OpenScConfigFile(path, text ?? "", text != null);
        }

        public OpenScConfiguration ToConfiguration()
        {
            var c = new OpenScConfiguration { Path = Path, Exists = Exists };
            OpenScConfigNode app = Find(AppPath);
            OpenScConfigNode pcsc = Find(PcscPath);
            c.Debug = Int(app, "debug") ?? 0;
            c.DebugFile = First(app, "debug_file");
            c.EnablePinPadSet = First(pcsc, "enable_pinpad") != null;
            c.EnablePinPad = Bool(pcsc, "enable_pinpad") ?? true;
            c.EnablePace = Bool(pcsc, "enable_pace") ?? true;
            c.ConnectExclusive = Bool(pcsc, "connect_exclusive") ?? false;
            c.DisconnectAction = First(pcsc, "disconnect_action") ?? "leave";
            c.TransactionEndAction = First(pcsc, "transaction_end_action") ?? "leave";
            c.ReconnectAction = First(pcsc, "reconnect_action") ?? "leave";
            return c;
        }

        /// <summary>
        /// Sets <paramref name="key"/> in the block at <paramref name="blockPath"/> (pairs of block name and value),
        /// creating the blocks that are missing. An existing setting keeps its place and only its value changes.
        /// Returns whether the text changed.
        /// </summary>
        public bool Set(string[] blockPath, string key, string value)
        {
            OpenScConfigNode block = Root;
            int depth = 0;
            for (; depth < blockPath.Length; depth += 2)
            {
                OpenScConfigNode child = block.FindBlock(blockPath[depth], blockPath[depth + 1]);
                if (child == null) break;
                block = child;
            }
            string newText;
            OpenScConfigNode item = depth == blockPath.Length ? block.FindItem(key) : null;
            if (item != null)
            {
                newText = Text.Substring(0, item.ValueStart) + value + Text.Substring(item.ValueEnd);
            }
            else
            {
                newText = Insert(block, depth / 2, blockPath.Skip(depth).ToArray(), key + " = " + value + ";");
            }
            if (newText == Text) return false;
            string oldText = Text;
            OpenScConfigNode oldRoot = Root;
            intended.Add((blockPath, key, value));
            try
            {
                Text = newText;
                Root = OpenScConfigParser.Parse(Path, Text);
                ReadBack();
            }
            catch (Exception ex) when (ex is OpenScConfigException || ex is InvalidDataException)
            {
                Text = oldText;
                Root = oldRoot;
                intended.RemoveAt(intended.Count - 1);
                throw new InvalidDataException($"{key} = {UntrustedText.Quote(value)} would not read back from {UntrustedText.Quote(Path)} as written ({ex.Message}); nothing was changed.", ex);
            }
            return true;
        }

        // Every value set so far, as the caller gave it (quoted when it holds a blank).
        private readonly List<(string[] BlockPath, string Key, string Value)> intended = new List<(string[], string, string)>();

        /// <summary>
        /// Belt and braces: in the text about to be written, parsed again with our parser of OpenSC's format, the first
        /// item of each name set holds the one value given. A value that escaped its quotes or ended its line early
        /// (the cmdlet refuses those first) would read back as something else and is refused before anything is written.
        /// </summary>
        private void ReadBack()
        {
            OpenScConfigNode root = OpenScConfigParser.Parse(Path, Text);
            foreach (var (blockPath, key, value) in intended)
            {
                OpenScConfigNode block = root;
                for (int i = 0; block != null && i < blockPath.Length; i += 2) block = block.FindBlock(blockPath[i], blockPath[i + 1]);
                // OpenSC reads the first item of a name (scconf_find_list), so that one must hold the value.
                OpenScConfigNode item = block?.FindItem(key);
                string expected = value.Length >= 2 && value[0] == '"' && value[value.Length - 1] == '"' ? value.Substring(1, value.Length - 2) : value;
                if (item == null || item.Values.Count != 1 || item.Values[0] != expected)
                    throw new InvalidDataException($"{key} reads back as {(item == null ? "nothing" : UntrustedText.Quote(string.Join(", ", item.Values)))}");
            }
        }

        public static string FormatBool(bool value) => value ? "true" : "false";

        public static string FormatInt(int value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>
        /// Writes the edits atomically, under the file's lock, once they read back as set: they are made again on the
        /// file as it is then, so an edit another writer saved since <see cref="Load"/> is kept. An existing file keeps
        /// its mode, a new one is 0644. Throws <see cref="OpenScConfigException"/> when the file became malformed meanwhile.
        /// </summary>
        public void Save(bool force = false)
        {
            ReadBack();
            AtomicFile.Update(Path, NewFile.Config.WithForce(force), old =>
            {
                var current = new OpenScConfigFile(Path, old == null ? "" : SafeFile.Text(old), old != null);
                foreach (var (blockPath, key, value) in intended) current.Set(blockPath, key, value);
                return current.Text == (old == null ? null : SafeFile.Text(old)) ? null : Encoding.UTF8.GetBytes(current.Text);
            });
        }

        // A new setting goes on its own line before the block's closing brace, indented one level deeper than
        // that brace, in the file's own indentation style (tabs in the files OpenSC ships).
        private string Insert(OpenScConfigNode block, int level, string[] missingBlocks, string setting)
        {
            string unit = Text.Contains("\n\t") || Text.Length == 0 ? "\t" : "    ";
            string indent = string.Concat(Enumerable.Repeat(unit, level));
            var sb = new StringBuilder();
            int open = 0;
            for (int i = 0; i < missingBlocks.Length; i += 2, open++)
                sb.Append(indent).Append(Repeat(unit, open)).Append(missingBlocks[i]).Append(' ').Append(missingBlocks[i + 1]).Append(" {\n");
            sb.Append(indent).Append(Repeat(unit, open)).Append(setting).Append('\n');
            for (int i = open - 1; i >= 0; i--) sb.Append(indent).Append(Repeat(unit, i)).Append("}\n");

            int at = block.CloseBrace;
            if (block == Root)
            {
                string prefix = Text.Length > 0 && !Text.EndsWith("\n", StringComparison.Ordinal) ? "\n" : "";
                return Text + prefix + sb;
            }
            // Insert at the start of the brace's line when only whitespace precedes it, else on a new line.
            int lineStart = Text.LastIndexOf('\n', at - 1) + 1;
            if (Text.Substring(lineStart, at - lineStart).Trim().Length == 0)
                return Text.Substring(0, lineStart) + sb + Text.Substring(lineStart);
            string braceIndent = indent.Length >= unit.Length ? indent.Substring(unit.Length) : "";
            return Text.Substring(0, at) + "\n" + sb + braceIndent + Text.Substring(at);
        }

        private static string Repeat(string unit, int n) => string.Concat(Enumerable.Repeat(unit, n));

        internal OpenScConfigNode Find(string[] blockPath)
        {
            OpenScConfigNode block = Root;
            for (int i = 0; block != null && i < blockPath.Length; i += 2) block = block.FindBlock(blockPath[i], blockPath[i + 1]);
            return block;
        }

        private static string First(OpenScConfigNode block, string key) => block?.FindItem(key)?.Values.FirstOrDefault();

        // scconf_get_bool: a value starting with y or t is true, anything else false.
        private static bool? Bool(OpenScConfigNode block, string key)
        {
            string v = First(block, key);
            if (v == null) return null;
            return v.Length > 0 && "yYtT".IndexOf(v[0]) >= 0;
        }

        private static int? Int(OpenScConfigNode block, string key)
        {
            string v = First(block, key);
            return v != null && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : (int?)null;
        }
    }
}
