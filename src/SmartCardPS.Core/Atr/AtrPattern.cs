using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using SmartCardPS.Text;

namespace SmartCardPS.Atr
{
    /// <summary>
    /// One smartcard_list.txt ATR pattern. pcsc-tools matches it as a case-insensitive regular expression against the
    /// whole ATR written as spaced hex pairs. Nearly every pattern is literal digits, '.' and '[...]' classes, so it
    /// compiles to per-byte sets of allowed high and low nibbles and matches the ATR bytes directly; the few with
    /// '*' match the ATR text character by character, and anything beyond that falls back to a Regex. A concrete ATR
    /// (uppercase spaced hex, no wildcard) is not compiled at all: <see cref="AtrIndex"/> finds it by its text.
    /// </summary>
    internal sealed class AtrPattern
    {
        // MethodImplOptions.AggressiveOptimization (not in netstandard2.0): the first pass over a database runs these
        // loops hundreds of thousands of times, too soon for tiered compilation to have replaced the unoptimised code.
        private const MethodImplOptions Optimized = (MethodImplOptions)512;

        private readonly ushort[] high;
        private readonly ushort[] low;
        private readonly Element[] elements;
        private readonly Regex regex;

        private AtrPattern(int id, string[] descriptions, ushort[] high, ushort[] low, Element[] elements, Regex regex)
            : this(id, null, descriptions)
        {
            this.high = high;
            this.low = low;
            this.elements = elements;
            this.regex = regex;
        }

        private AtrPattern(int id, string text, string[] descriptions)
        {
            Id = id;
            Text = text;
            Descriptions = descriptions;
        }

        public int Id { get; }
        public string[] Descriptions { get; }

        /// <summary>The ATR line of smartcard_list.txt, as the file writes it.</summary>
        public string Text { get; private set; }

        /// <summary>Byte count of every ATR the pattern can match; -1 when it varies, 0 when it can match none.</summary>
        public int FixedLength => high?.Length ?? (elements == null && regex == null ? 0 : -1);

        /// <summary>For fixed-length patterns; the caller has checked the length.</summary>
        [MethodImpl(Optimized)]
        public bool MatchesBytes(byte[] atr)
        {
            for (int i = 0; i < high.Length; i++)
            {
                byte b = atr[i];
                if ((high[i] >> (b >> 4) & 1) == 0 || (low[i] >> (b & 0xF) & 1) == 0) return false;
            }
            return true;
        }

        /// <summary>
        /// For variable-length patterns: whether the part before the first '*' can match the ATR, checked on the
        /// bytes, so the ATR is only written out as text for the rare pattern that might match.
        /// </summary>
        public bool PrefixAllows(byte[] atr)
        {
            if (elements == null) return true;
            int textLength = atr.Length * 3 - 1;
            for (int e = 0; e < elements.Length && !elements[e].Star; e++)
            {
                if (e >= textLength) return false;
                int b = e / 3;
                char c;
                switch (e % 3)
                {
                    case 0: c = Hex.Digit(atr[b] >> 4); break;
                    case 1: c = Hex.Digit(atr[b] & 0xF); break;
                    default: c = ' '; break;
                }
                if (!elements[e].Set.Contains(c)) return false;
            }
            return true;
        }

        /// <summary>For variable-length patterns, against the ATR as uppercase spaced hex.</summary>
        public bool MatchesText(string atrText) =>
            regex != null ? regex.IsMatch(atrText) : MatchFrom(atrText, 0, 0);

        private bool MatchFrom(string s, int si, int ei)
        {
            for (; ei < elements.Length; ei++)
            {
                var e = elements[ei];
                if (e.Star)
                {
                    // Greedy with backtracking; patterns hold at most one or two stars, so this stays cheap.
                    int max = si;
                    while (max < s.Length && e.Set.Contains(s[max])) max++;
                    for (int k = max; k >= si; k--) if (MatchFrom(s, k, ei + 1)) return true;
                    return false;
                }
                if (si >= s.Length || !e.Set.Contains(s[si])) return false;
                si++;
            }
            return si == s.Length;
        }

        /// <summary>
        /// Whether the line is one ATR as <see cref="Hex.Format(byte[])"/> writes it: uppercase hex pairs and single
        /// spaces, at most <see cref="AtrText.MaxAtrLength"/> bytes. Such a line matches exactly the ATR with that text.
        /// </summary>
        [MethodImpl(Optimized)]
        public static bool IsConcrete(string text)
        {
            int n = (text.Length + 1) / 3;
            if (text.Length % 3 != 2 || n > AtrText.MaxAtrLength) return false;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                bool ok = i % 3 == 2 ? c == ' ' : (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
                if (!ok) return false;
            }
            return true;
        }

        /// <summary>A line <see cref="IsConcrete"/> says is one ATR, for the index's hash table: it has no compiled form.</summary>
        public static AtrPattern Concrete(int id, string text, string[] descriptions) => new AtrPattern(id, text, descriptions);

        public static AtrPattern Compile(int id, string text, string[] descriptions)
        {
            AtrPattern pattern = CompileMatcher(id, text, descriptions);
            pattern.Text = text;
            return pattern;
        }

        private static AtrPattern CompileMatcher(int id, string text, string[] descriptions)
        {
            var simple = CompileSimple(id, text, descriptions);
            if (simple != null) return simple;
            var parsed = Parse(text);
            if (parsed == null)
            {
                Regex regex;
                try
                {
                    regex = new Regex("^(?:" + text + ")$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
                }
                catch (ArgumentException)
                {
                    regex = null; // pcsc-tools would fail on it too; it matches nothing
                }
                return new AtrPattern(id, descriptions, null, null, null, regex);
            }
            foreach (var e in parsed)
            {
                if (e.Star) return new AtrPattern(id, descriptions, null, null, parsed.ToArray(), null);
            }
            return Fixed(id, descriptions, parsed);
        }

        /// <summary>The common case, hex digits and '.' in "XX XX" layout, without building character sets; null otherwise.</summary>
        private static AtrPattern CompileSimple(int id, string text, string[] descriptions)
        {
            if ((text.Length + 1) % 3 != 0) return null;
            int n = (text.Length + 1) / 3;
            if (n > AtrText.MaxAtrLength) return null;
            var high = new ushort[n];
            var low = new ushort[n];
            for (int i = 0; i < n; i++)
            {
                int h = SimpleMask(text[3 * i]), l = SimpleMask(text[3 * i + 1]);
                if (h < 0 || l < 0) return null;
                if (i < n - 1 && text[3 * i + 2] != ' ' && text[3 * i + 2] != '.') return null;
                high[i] = (ushort)h;
                low[i] = (ushort)l;
            }
            return new AtrPattern(id, descriptions, high, low, null, null);
        }

        private static int SimpleMask(char c)
        {
            if (c == '.') return 0xFFFF;
            int nibble = Hex.ValueOf(c);
            return nibble < 0 ? -1 : 1 << nibble;
        }

        private static AtrPattern Fixed(int id, string[] descriptions, List<Element> parsed)
        {
            // "XX XX XX": 3n-1 characters, a space between bytes. Anything else can never equal a normalised ATR.
            int n = (parsed.Count + 1) / 3;
            bool possible = parsed.Count % 3 == 2 && n <= AtrText.MaxAtrLength;
            var high = new ushort[n];
            var low = new ushort[n];
            for (int i = 0; possible && i < n; i++)
            {
                high[i] = NibbleMask(parsed[3 * i].Set);
                low[i] = NibbleMask(parsed[3 * i + 1].Set);
                if (high[i] == 0 || low[i] == 0 || (i < n - 1 && !parsed[3 * i + 2].Set.Contains(' '))) possible = false;
            }
            return possible
                ? new AtrPattern(id, descriptions, high, low, null, null)
                : new AtrPattern(id, descriptions, null, null, null, null);
        }

        private static ushort NibbleMask(CharSet set)
        {
            ushort mask = 0;
            for (int v = 0; v < 16; v++) if (set.Contains(v < 10 ? (char)('0' + v) : (char)('A' + v - 10))) mask |= (ushort)(1 << v);
            return mask;
        }

        /// <summary>Literal characters, '.', '[...]' (ranges, negation) and a trailing '*'; null for any other syntax.</summary>
        private static List<Element> Parse(string text)
        {
            var list = new List<Element>(text.Length);
            int i = 0;
            while (i < text.Length)
            {
                char c = text[i];
                CharSet set;
                if (c == '.')
                {
                    set = CharSet.Any;
                    i++;
                }
                else if (c == '[')
                {
                    int close = i + 2 <= text.Length ? text.IndexOf(']', i + 2) : -1;
                    if (close < 0) return null;
                    set = ParseClass(text, i + 1, close);
                    if (set == null) return null;
                    i = close + 1;
                }
                else if (c == '\\' && i + 1 < text.Length && !char.IsLetterOrDigit(text[i + 1]))
                {
                    set = CharSet.Of(text[i + 1]);
                    i += 2;
                }
                else if ("()|+?{}^$*\\".IndexOf(c) >= 0)
                {
                    return null;
                }
                else
                {
                    set = CharSet.Of(c);
                    i++;
                }
                bool star = i < text.Length && text[i] == '*';
                if (star) i++;
                if (i < text.Length && "+?{".IndexOf(text[i]) >= 0) return null;
                list.Add(new Element(set, star));
            }
            return list;
        }

        private static CharSet ParseClass(string text, int from, int close)
        {
            bool negate = text[from] == '^';
            if (negate) from++;
            var set = new CharSet();
            for (int i = from; i < close; i++)
            {
                char c = text[i];
                if (c == '\\' || c == '[') return null;
                if (i + 2 < close && text[i + 1] == '-')
                {
                    for (char r = c; r <= text[i + 2]; r++) set.Add(r);
                    i += 2;
                }
                else
                {
                    set.Add(c);
                }
            }
            return negate ? set.Complement() : set;
        }

        private readonly struct Element
        {
            public Element(CharSet set, bool star)
            {
                Set = set;
                Star = star;
            }

            public CharSet Set { get; }
            public bool Star { get; }
        }

        /// <summary>A set of ASCII characters, case-insensitive as pcsc-tools' /i match.</summary>
        private sealed class CharSet
        {
            private ulong lo, hi;

            public static readonly CharSet Any = new CharSet().Complement();

            public static CharSet Of(char c)
            {
                var s = new CharSet();
                s.Add(c);
                return s;
            }

            public void Add(char c)
            {
                Set(char.ToUpperInvariant(c));
                Set(char.ToLowerInvariant(c));
            }

            private void Set(char c)
            {
                if (c < 64) lo |= 1UL << c;
                else if (c < 128) hi |= 1UL << (c - 64);
            }

            public bool Contains(char c) => c < 64 ? (lo >> c & 1) != 0 : c < 128 && (hi >> (c - 64) & 1) != 0;

            public CharSet Complement() => new CharSet { lo = ~lo & ~(1UL << '\n'), hi = ~hi };
        }
    }
}
