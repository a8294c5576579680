using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.IO;
using SmartCardPS.Text;

namespace SmartCardPS.Atr
{
    /// <summary>
    /// The compiled smartcard_list.txt. Nearly every entry is one concrete ATR written as uppercase spaced hex: those
    /// are looked up by the ATR's text in one hash table, so loading the file costs little more than reading it. The
    /// few patterns with wildcards (about 5% of the file) are grouped by the ATR length they match, so an ATR is
    /// compared byte by byte with at most about a hundred of them (the PC/SC Part 3 storage cards share a length).
    /// </summary>
    internal sealed class AtrIndex
    {
        // MethodImplOptions.AggressiveOptimization (not in netstandard2.0): the first pass over a database runs these
        // loops hundreds of thousands of times, too soon for tiered compilation to have replaced the unoptimised code.
        private const MethodImplOptions Optimized = (MethodImplOptions)512;

        private readonly int count;
        private readonly Dictionary<string, AtrPattern> literals;
        private readonly AtrPattern[][] byLength;
        private readonly AtrPattern[] variable;

        private AtrIndex(int count, Dictionary<string, AtrPattern> literals, List<AtrPattern> others)
        {
            this.count = count;
            this.literals = literals;
            var groups = new List<AtrPattern>[AtrText.MaxAtrLength + 1];
            var variable = new List<AtrPattern>();
            foreach (var p in others)
            {
                int n = p.FixedLength;
                if (n < 0) variable.Add(p);
                if (n > 0) (groups[n] ?? (groups[n] = new List<AtrPattern>())).Add(p);
            }
            byLength = new AtrPattern[groups.Length][];
            for (int n = 0; n < groups.Length; n++) byLength[n] = groups[n]?.ToArray() ?? Array.Empty<AtrPattern>();
            this.variable = variable.ToArray();
        }

        public int Count => count;

        /// <summary>Description lines of every matching entry, in file order.</summary>
        public string[] Identify(byte[] atr)
        {
            var matches = Match(atr);
            if (matches.Count == 1) return (string[])matches[0].Descriptions.Clone();
            var lines = new List<string>();
            foreach (var p in matches) lines.AddRange(p.Descriptions);
            return lines.ToArray();
        }

        /// <summary>Every matching entry, in file order.</summary>
        public List<AtrPattern> Match(byte[] atr) => Match(atr, null);

        /// <summary>Every matching entry, in file order; <paramref name="text"/> is the ATR as <see cref="Hex.Format(byte[])"/> writes it, when the caller has it.</summary>
        [MethodImpl(Optimized)]
        public List<AtrPattern> Match(byte[] atr, string text)
        {
            var found = new List<AtrPattern>();
            if (atr == null || atr.Length == 0) return found;
            if (literals.Count > 0 && literals.TryGetValue(text ?? (text = Hex.Format(atr)), out var exact)) found.Add(exact);
            int fromLiterals = found.Count;
            if (atr.Length < byLength.Length)
            {
                foreach (var p in byLength[atr.Length])
                {
                    if (p.MatchesBytes(atr)) found.Add(p);
                }
            }
            bool added = false;
            foreach (var p in variable)
            {
                if (!p.PrefixAllows(atr)) continue;
                if (p.MatchesText(text ?? (text = Hex.Format(atr))))
                {
                    found.Add(p);
                    added = true;
                }
            }
            // Each source lists its matches in file order; put them in file order together.
            if ((added || fromLiterals > 0) && found.Count > 1) found.Sort((a, b) => a.Id.CompareTo(b.Id));
            return found;
        }

        /// <summary>smartcard_list.txt: '#' comments, an ATR pattern line, its description lines each starting with a tab, a blank line.</summary>
        [MethodImpl(Optimized)]
        public static AtrIndex Load(string path)
        {
            var builder = new Builder();
            string pattern = null;
            var descriptions = new List<string>(4);
            using (var reader = new StreamReader(path, System.Text.Encoding.UTF8, true, 1 << 16))
            {
                string line;
                while ((line = reader.ReadLine()) != null)
                {
                    if (line.Length > 0 && line[0] == '\t')
                    {
                        if (pattern != null) descriptions.Add(line.Trim());
                        continue;
                    }
                    if (pattern != null)
                    {
                        builder.Add(pattern, descriptions);
                        pattern = null;
                        descriptions.Clear();
                    }
                    if (line.Length == 0 || line[0] == '#') continue;
                    pattern = line.TrimEnd('\r');
                }
            }
            if (pattern != null) builder.Add(pattern, descriptions);
            return builder.ToIndex();
        }

        /// <summary>Collects the entries in file order, each concrete ATR (the first entry with its text) into the hash table.</summary>
        private sealed class Builder
        {
            private int count;
            private readonly List<AtrPattern> others = new List<AtrPattern>();
            private readonly Dictionary<string, AtrPattern> literals = new Dictionary<string, AtrPattern>(4096, StringComparer.Ordinal);

            /// <summary>An entry is an ATR line with at least one description line: other lines (any text file has them) name nothing.</summary>
            [MethodImpl(Optimized)]
            public void Add(string pattern, List<string> descriptions)
            {
                if (descriptions.Count == 0) return;
                int id = count++;
                if (AtrPattern.IsConcrete(pattern) && !literals.ContainsKey(pattern))
                {
                    literals.Add(pattern, AtrPattern.Concrete(id, pattern, descriptions.ToArray()));
                }
                else
                {
                    others.Add(AtrPattern.Compile(id, pattern, descriptions.ToArray()));
                }
            }

            public AtrIndex ToIndex() => new AtrIndex(count, literals, others);
        }
    }
}
