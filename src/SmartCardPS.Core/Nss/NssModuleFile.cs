using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.Nss
{
    /// <summary>
    /// An NSS sql: database's pkcs11.txt, read the way NSS reads it (utilmod.c): lines of at most 2047 bytes
    /// (longer ones are split and the rest read as the next line), CRLF or LF, # comments, stanzas ended by an
    /// empty line, bare values quoted, values starting with " taken as already quoted, the first bare
    /// parameters= kept, a stanza whose NSS= line mentions "internal" put first, and a last stanza cut off by
    /// the end of the file without a newline dropped. Each module keeps the bytes it came from, so removing
    /// one leaves every other byte of the file as it was.
    /// </summary>
    public sealed class NssModuleFile
    {
        public const string FileName = "pkcs11.txt";

        /// <summary>NSS reads the file with a 2048-byte fgets buffer.</summary>
        internal const int LineBuffer = 2048;

        // Latin-1 maps each byte to one char, so string offsets are byte offsets and every byte survives.
        private static readonly Encoding Bytes = Encoding.GetEncoding(28591);

        private readonly List<Stanza> stanzas;

        private NssModuleFile(string directory, string text, List<Stanza> stanzas, bool exists)
        {
            Directory = directory;
            Text = text;
            this.stanzas = stanzas;
            Exists = exists;
        }

        public string Directory { get; }

        public string Path => System.IO.Path.Combine(Directory, FileName);

        public bool Exists { get; }

        /// <summary>The file's bytes, one char per byte.</summary>
        internal string Text { get; }

        /// <summary>The modules in NSS's order: the internal module first, then the file's order.</summary>
        public IReadOnlyList<NssModule> Modules => stanzas.Select(s => s.Module).ToList();

        /// <summary>Reads DIR/pkcs11.txt; a missing file is a database without modules. Only a regular file is read.</summary>
        public static NssModuleFile Read(string directory) => FromContent(directory, SafeFile.ReadBytes(System.IO.Path.Combine(directory, FileName)));

        /// <summary>A database whose pkcs11.txt holds <paramref name="content"/>; null is a missing file.</summary>
        internal static NssModuleFile FromContent(string directory, byte[] content)
        {
            if (content != null) return Parse(directory, Bytes.GetString(content), true);
            if (File.Exists(System.IO.Path.Combine(directory, "secmod.db")))
            {
                throw new InvalidDataException($"{directory} is a legacy dbm: NSS database (secmod.db) without pkcs11.txt; NSS converts it to sql: the next time Firefox or modutil -dbdir sql:{directory} opens it.");
            }
            return new NssModuleFile(directory, "", new List<Stanza>(), false);
        }

        internal static NssModuleFile Parse(string directory, string text, bool exists = true)
        {
            var found = new List<Stanza>();
            Stanza internalStanza = null;
            var builder = new SpecBuilder();
            int pos = 0;
            int stanzaStart = -1;
            while (true)
            {
                int lineStart = pos;
                string line = NextLine(text, ref pos, out bool hitEnd);
                if (line == null || line.Length == 0)
                {
                    // End of file, or an empty line: the stanza (if any) is complete.
                    if (builder.HasContent)
                    {
                        var stanza = new Stanza { Start = stanzaStart, End = line == null ? text.Length : pos, Module = builder.Build(directory) };
                        if (stanza.Module.IsInternal) internalStanza = stanza;
                        else found.Add(stanza);
                    }
                    builder = new SpecBuilder();
                    stanzaStart = -1;
                    if (line == null || hitEnd) break;
                    continue;
                }
                if (line[0] != '#')
                {
                    if (stanzaStart < 0) stanzaStart = lineStart;
                    builder.Add(line);
                }
                // fgets hit the end of the file on this line: NSS's loop ends without completing the stanza.
                if (hitEnd) break;
            }
            if (internalStanza != null) found.Insert(0, internalStanza);
            return new NssModuleFile(directory, text, found, exists);
        }

        /// <summary>One fgets(line, 2048) with the newline removed as NSS removes it; null at the end of the file.</summary>
        private static string NextLine(string text, ref int pos, out bool hitEnd)
        {
            hitEnd = false;
            if (pos >= text.Length) return null;
            int start = pos;
            int max = LineBuffer - 1;
            while (pos < text.Length && pos - start < max)
            {
                if (text[pos++] == '\n') break;
            }
            if (pos >= text.Length && text[pos - 1] != '\n' && pos - start < max) hitEnd = true;
            string line = text.Substring(start, pos - start);
            int nul = line.IndexOf('\0');
            if (nul >= 0) line = line.Substring(0, nul);
            if (line.EndsWith("\r\n", StringComparison.Ordinal)) line = line.Substring(0, line.Length - 2);
            else if (line.Length > 0 && (line[line.Length - 1] == '\n' || line[line.Length - 1] == '\r')) line = line.Substring(0, line.Length - 1);
            return line;
        }

        /// <summary>The file's bytes with every stanza of a module named exactly <paramref name="name"/> left out.</summary>
        internal byte[] Without(string name, out int removed)
        {
            var drop = stanzas.Where(s => string.Equals(s.Module.Name, name, StringComparison.Ordinal)).OrderBy(s => s.Start).ToList();
            removed = drop.Count;
            var sb = new StringBuilder(Text.Length);
            int at = 0;
            foreach (Stanza s in drop)
            {
                sb.Append(Text, at, s.Start - at);
                at = s.End;
            }
            sb.Append(Text, at, Text.Length - at);
            return Bytes.GetBytes(sb.ToString());
        }

        /// <summary>The file's bytes with a stanza for <paramref name="name"/> and <paramref name="library"/> appended after an empty line.</summary>
        internal byte[] With(string name, string library)
        {
            var sb = new StringBuilder(Text);
            if (sb.Length > 0 && sb[sb.Length - 1] != '\n') sb.Append('\n');
            if (!EndsWithEmptyLine(sb.ToString())) sb.Append('\n');
            sb.Append("library=").Append(Utf8AsBytes(library)).Append('\n');
            sb.Append("name=").Append(Utf8AsBytes(name)).Append('\n');
            sb.Append('\n');
            return Bytes.GetBytes(sb.ToString());
        }

        /// <summary>Whether the last line is empty, so an appended stanza does not join the one before it.</summary>
        private static bool EndsWithEmptyLine(string text)
        {
            if (text.Length == 0) return true;
            int end = text.Length - 1;
            if (end > 0 && text[end - 1] == '\r') end--;
            return end == 0 || text[end - 1] == '\n';
        }

        private static string Utf8AsBytes(string text) => Bytes.GetString(Encoding.UTF8.GetBytes(text));

        internal static string FromBytes(string value) => value == null ? null : Encoding.UTF8.GetString(Bytes.GetBytes(value));

        /// <summary>
        /// Why NSS would not read <paramref name="value"/> back as written on a key= line, or null: control
        /// characters end or split the line, a leading quote makes NSS parse the rest as more settings (name="a"
        /// library=…), leading blanks are dropped when NSS rewrites the file, and a line of 2047 bytes or more is split.
        /// </summary>
        public static string Problem(string key, string value)
        {
            if (string.IsNullOrEmpty(value)) return "is empty";
            if (value.Any(ConfigValue.IsControl)) return "contains a control character (such as a newline), which would end the line in pkcs11.txt";
            if (value[0] == '"' || value[0] == '\'') return "starts with a quote, which NSS would read as the start of a quoted value followed by more settings";
            if (NssArgs.IsBlank(value[0]) || NssArgs.IsBlank(value[value.Length - 1])) return "starts or ends with a blank, which NSS drops or keeps inconsistently";
            if (key.Length + 1 + Encoding.UTF8.GetByteCount(value) + 1 > LineBuffer - 1) return $"is too long: NSS reads lines of at most {LineBuffer - 1} bytes and would split it";
            return null;
        }

        private sealed class Stanza
        {
            public int Start;
            public int End;
            public NssModule Module;
        }

        /// <summary>The module spec string NSS assembles from a stanza's lines (nssutil_ReadSecmodDB).</summary>
        private sealed class SpecBuilder
        {
            private readonly StringBuilder spec = new StringBuilder();
            private string paramsValue;
            private bool skipParams;
            private bool isInternal;

            public bool HasContent => spec.Length > 0 || paramsValue != null;

            public void Add(string line)
            {
                int eq = line.IndexOf('=');
                bool isParameters = line.StartsWith("parameters", StringComparison.OrdinalIgnoreCase);
                if (eq < 0 || eq == line.Length - 1)
                {
                    Append(line);
                }
                else if (line[eq + 1] == '"')
                {
                    Append(line);
                    if (isParameters) skipParams = true;
                }
                else if (isParameters)
                {
                    if (paramsValue == null) paramsValue = NssArgs.Quote(line.Substring(eq + 1), '"');
                    return;
                }
                else
                {
                    Append(line.Substring(0, eq + 1) + NssArgs.Quote(line.Substring(eq + 1), '"'));
                }
                if (line.StartsWith("NSS=", StringComparison.OrdinalIgnoreCase) && line.IndexOf("internal", StringComparison.Ordinal) >= 0)
                {
                    isInternal = true;
                }
            }

            private void Append(string text)
            {
                if (spec.Length > 0) spec.Append(' ');
                spec.Append(text);
            }

            public NssModule Build(string directory)
            {
                string text = spec.ToString();
                // The internal module's file parameters are replaced by the application's own; the file's are shown.
                if (paramsValue != null && !skipParams) text += " parameters=" + paramsValue;
                string[] v = NssArgs.ParseModuleSpec(text);
                string nss = FromBytes(v[3]);
                string flags = NssArgs.GetParamValue("Flags", nss);
                return new NssModule
                {
                    Library = FromBytes(v[0]) ?? "",
                    Name = FromBytes(v[1]) ?? "",
                    Parameters = FromBytes(v[2]) ?? "",
                    Flags = string.IsNullOrEmpty(flags) ? new string[0] : flags.Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries),
                    IsInternal = isInternal,
                    Database = directory,
                    ModuleSpec = FromBytes(text),
                };
            }
        }
    }
}
