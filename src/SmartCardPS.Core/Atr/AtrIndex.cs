using System;
using System.Collections.Generic;
using System.IO;

namespace SmartCardPS
{
    /// <summary>
    /// The compiled smartcard_list.txt: fixed-length patterns bucketed by ATR length and by the value they allow for
    /// T0 (byte 1), so an ATR is compared with the few dozen patterns that can match it rather than thousands.
    /// </summary>
    internal sealed class AtrIndex
    {
        private readonly AtrPattern[] patterns;
        private readonly int[][][] buckets; // [length][key byte] -> pattern ids in file order
        private readonly AtrPattern[] variable;

        private AtrIndex(AtrPattern[] patterns)
        {
            this.patterns = patterns;
            buckets = new int[AtrText.MaxAtrLength + 1][][];
            var lists = new List<int>[AtrText.MaxAtrLength + 1][];
            var variable = new List<AtrPattern>();
            foreach (var p in patterns)
            {
                int n = p.FixedLength;
                if (n < 0) variable.Add(p);
                if (n <= 0) continue;
                var byKey = lists[n] ?? (lists[n] = new List<int>[256]);
                int key = KeyIndex(n);
                for (int v = 0; v < 256; v++)
                {
                    if (p.AllowsByte(key, (byte)v)) (byKey[v] ?? (byKey[v] = new List<int>())).Add(p.Id);
                }
            }
            for (int n = 0; n < lists.Length; n++)
            {
                if (lists[n] == null) continue;
                buckets[n] = new int[256][];
                for (int v = 0; v < 256; v++) buckets[n][v] = lists[n][v]?.ToArray();
            }
            this.variable = variable.ToArray();
        }

        public int Count => patterns.Length;

        private static int KeyIndex(int length) => length > 1 ? 1 : 0;

        /// <summary>Description lines of every matching entry, in file order.</summary>
        public string[] Identify(byte[] atr)
        {
            if (atr == null || atr.Length == 0) return Array.Empty<string>();
            int[] ids = atr.Length < buckets.Length ? buckets[atr.Length]?[atr[KeyIndex(atr.Length)]] : null;
            AtrPattern only = null;
            List<AtrPattern> many = null;
            if (ids != null)
            {
                foreach (int id in ids)
                {
                    if (patterns[id].MatchesBytes(atr)) Add(patterns[id], ref only, ref many);
                }
            }
            if (variable.Length > 0)
            {
                string text = Hex.Format(atr);
                bool added = false;
                foreach (var p in variable)
                {
                    if (p.MatchesText(text))
                    {
                        Add(p, ref only, ref many);
                        added = true;
                    }
                }
                if (added && many != null) many.Sort((a, b) => a.Id.CompareTo(b.Id));
            }
            if (many != null)
            {
                var lines = new List<string>();
                foreach (var p in many) lines.AddRange(p.Descriptions);
                return lines.ToArray();
            }
            return only == null ? Array.Empty<string>() : (string[])only.Descriptions.Clone();
        }

        private static void Add(AtrPattern p, ref AtrPattern only, ref List<AtrPattern> many)
        {
            if (many != null) many.Add(p);
            else if (only == null) only = p;
            else many = new List<AtrPattern> { only, p };
        }

        /// <summary>smartcard_list.txt: '#' comments, an ATR pattern line, its description lines each starting with a tab, a blank line.</summary>
        public static AtrIndex Load(string path)
        {
            var patterns = new List<AtrPattern>(4096);
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
                        patterns.Add(AtrPattern.Compile(patterns.Count, pattern, descriptions.ToArray()));
                        pattern = null;
                        descriptions.Clear();
                    }
                    if (line.Length == 0 || line[0] == '#') continue;
                    pattern = line.TrimEnd('\r');
                }
            }
            if (pattern != null) patterns.Add(AtrPattern.Compile(patterns.Count, pattern, descriptions.ToArray()));
            return new AtrIndex(patterns.ToArray());
        }
    }
}
