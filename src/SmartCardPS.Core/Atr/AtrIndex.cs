using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.IO;

namespace SmartCardPS.Atr
{
    /// <summary>
    /// The compiled smartcard_list.txt. Nearly every entry is one concrete ATR written as uppercase spaced hex: those
    /// are looked up by the ATR's text in one hash table, so loading the file costs little more than reading it. The
    /// few patterns with wildcards are grouped by ATR length, then split on the byte that best tells them apart (T0
    /// first, then, for large groups such as PC/SC Part 3 storage cards that share a long prefix, a later byte), so
    /// an ATR is compared with a handful of patterns rather than hundreds.
    /// </summary>
    internal sealed class AtrIndex
    {
        // MethodImplOptions.AggressiveOptimization (not in netstandard2.0): the first pass over a database runs these
        // loops hundreds of thousands of times, too soon for tiered compilation to have replaced the unoptimised code.
        private const MethodImplOptions Optimized = (MethodImplOptions)512;

        private const int SmallEnough = 8;
        private const int MaxDepth = 4;

        private readonly AtrPattern[] patterns;
        private readonly Dictionary<string, AtrPattern> literals;
        private readonly Node[] byLength;
        private readonly AtrPattern[] variable;

        private AtrIndex(AtrPattern[] patterns, Dictionary<string, AtrPattern> literals, List<AtrPattern> others)
        {
            this.patterns = patterns;
            this.literals = literals;
            var groups = new List<int>[AtrText.MaxAtrLength + 1];
            var variable = new List<AtrPattern>();
            foreach (var p in others)
            {
                int n = p.FixedLength;
                if (n < 0) variable.Add(p);
                if (n > 0) (groups[n] ?? (groups[n] = new List<int>())).Add(p.Id);
            }
            byLength = new Node[groups.Length];
            for (int n = 1; n < groups.Length; n++)
            {
                if (groups[n] != null) byLength[n] = Build(groups[n].ToArray(), n, n > 1 ? 1 : 0, 1);
            }
            this.variable = variable.ToArray();
        }

        /// <summary>One decision: the candidates, or a byte position and a child per value of that byte.</summary>
        private sealed class Node
        {
            public int[] Ids;
            public int Position = -1;
            public Node[] Children;
            public int[] Candidates; // while building: the ids the node stands for, to share equal children
        }

        [MethodImpl(Optimized)]
        private Node Build(int[] ids, int length, int position, int depth)
        {
            var specific = new List<int>[256];
            var everywhere = new List<int>();
            var values = new int[256];
            foreach (int id in ids)
            {
                if (patterns[id].IsWildcard(position))
                {
                    everywhere.Add(id);
                    continue;
                }
                int n = patterns[id].AllowedValues(position, values);
                for (int i = 0; i < n; i++) (specific[values[i]] ?? (specific[values[i]] = new List<int>())).Add(id);
            }
            // Values only wildcards allow share one child; so do values that leave the same candidates (classes).
            Node common = everywhere.Count > 0 ? Child(everywhere.ToArray(), length, position, depth) : null;
            var shared = new Dictionary<long, List<Node>>();
            var children = new Node[256];
            for (int v = 0; v < 256; v++)
            {
                if (specific[v] == null)
                {
                    children[v] = common;
                    continue;
                }
                int[] subset = Merge(specific[v], everywhere);
                long hash = subset.Length;
                foreach (int id in subset) hash = hash * 1000003 + id;
                if (!shared.TryGetValue(hash, out var same)) shared.Add(hash, same = new List<Node>(1));
                Node child = null;
                foreach (var c in same) if (SameIds(c.Candidates, subset)) child = c;
                if (child == null) same.Add(child = Child(subset, length, position, depth));
                children[v] = child;
            }
            return new Node { Position = position, Children = children };
        }

        private Node Child(int[] ids, int length, int used, int depth)
        {
            int next = ids.Length > SmallEnough && depth < MaxDepth ? BestPosition(ids, length, used) : -1;
            var node = next < 0 ? new Node { Ids = ids } : Build(ids, length, next, depth + 1);
            node.Candidates = ids;
            return node;
        }

        /// <summary>Two id lists, each in file order, as one list in file order.</summary>
        private static int[] Merge(List<int> a, List<int> b)
        {
            var result = new int[a.Count + b.Count];
            int i = 0, j = 0, k = 0;
            while (i < a.Count && j < b.Count) result[k++] = a[i] < b[j] ? a[i++] : b[j++];
            while (i < a.Count) result[k++] = a[i++];
            while (j < b.Count) result[k++] = b[j++];
            return result;
        }

        private static bool SameIds(int[] a, int[] b)
        {
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++) if (a[i] != b[i]) return false;
            return true;
        }

        /// <summary>The byte whose value leaves the fewest candidates in the worst case; -1 when no byte helps.</summary>
        [MethodImpl(Optimized)]
        private int BestPosition(int[] ids, int length, int used)
        {
            int best = -1, bestWorst = ids.Length * 3 / 4;
            var counts = new int[256];
            var values = new int[256];
            for (int pos = 0; pos < length; pos++)
            {
                if (pos == used) continue;
                Array.Clear(counts, 0, counts.Length);
                int everywhere = 0, worst = 0;
                foreach (int id in ids)
                {
                    // A wildcard byte keeps the pattern for every value: count it once, not 256 times.
                    if (patterns[id].IsWildcard(pos))
                    {
                        everywhere++;
                        continue;
                    }
                    int n = patterns[id].AllowedValues(pos, values);
                    for (int i = 0; i < n; i++) if (++counts[values[i]] > worst) worst = counts[values[i]];
                }
                worst += everywhere;
                if (worst < bestWorst)
                {
                    bestWorst = worst;
                    best = pos;
                }
            }
            return best;
        }

        public int Count => patterns.Length;

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
            var node = atr.Length < byLength.Length ? byLength[atr.Length] : null;
            while (node != null && node.Position >= 0) node = node.Children[atr[node.Position]];
            int[] ids = node?.Ids;
            if (ids != null)
            {
                foreach (int id in ids)
                {
                    if (patterns[id].MatchesBytes(atr)) found.Add(patterns[id]);
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
            private readonly List<AtrPattern> all = new List<AtrPattern>(4096);
            private readonly List<AtrPattern> others = new List<AtrPattern>();
            private readonly Dictionary<string, AtrPattern> literals = new Dictionary<string, AtrPattern>(4096, StringComparer.Ordinal);

            /// <summary>An entry is an ATR line with at least one description line: other lines (any text file has them) name nothing.</summary>
            public void Add(string pattern, List<string> descriptions)
            {
                if (descriptions.Count == 0) return;
                int id = all.Count;
                AtrPattern compiled;
                if (AtrPattern.IsConcrete(pattern) && !literals.ContainsKey(pattern))
                {
                    compiled = AtrPattern.Concrete(id, pattern, descriptions.ToArray());
                    literals.Add(pattern, compiled);
                }
                else
                {
                    compiled = AtrPattern.Compile(id, pattern, descriptions.ToArray());
                    others.Add(compiled);
                }
                all.Add(compiled);
            }

            public AtrIndex ToIndex() => new AtrIndex(all.ToArray(), literals, others);
        }
    }
}
