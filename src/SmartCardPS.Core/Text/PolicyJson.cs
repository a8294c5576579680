using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace SmartCardPS.Text
{
    /// <summary>
    /// Just enough JSON for policies.json: objects keep their key order, numbers keep their text, so a file
    /// read and written back differs only where we changed it (and in whitespace).
    /// </summary>
    internal static class PolicyJson
    {
        /// <summary>An object: ordered members.</summary>
        internal sealed class Obj : List<KeyValuePair<string, object>>
        {
            public object Get(string key) => Find(m => m.Key == key).Value;

            public void Set(string key, object value)
            {
                int i = FindIndex(m => m.Key == key);
                if (i >= 0) this[i] = new KeyValuePair<string, object>(key, value);
                else Add(new KeyValuePair<string, object>(key, value));
            }

            public void Remove(string key) => RemoveAll(m => m.Key == key);
        }

        /// <summary>A number, kept as written.</summary>
        internal sealed class Number
        {
            public string Text;
        }

        public static object Parse(string text)
        {
            int i = 0;
            object value = ParseValue(text, ref i);
            SkipBlanks(text, ref i);
            if (i != text.Length) throw Error(text, i, "unexpected text after the end");
            return value;
        }

        private static InvalidDataException Error(string text, int i, string what)
        {
            int line = 1;
            for (int k = 0; k < i && k < text.Length; k++) if (text[k] == '\n') line++;
            return new InvalidDataException($"not valid JSON: {what} at line {line}");
        }

        private static void SkipBlanks(string s, ref int i)
        {
            while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
        }

        private static object ParseValue(string s, ref int i)
        {
            SkipBlanks(s, ref i);
            if (i >= s.Length) throw Error(s, i, "unexpected end");
            char c = s[i];
            if (c == '{')
            {
                var obj = new Obj();
                i++;
                SkipBlanks(s, ref i);
                if (i < s.Length && s[i] == '}') { i++; return obj; }
                while (true)
                {
                    SkipBlanks(s, ref i);
                    if (i >= s.Length || s[i] != '"') throw Error(s, i, "expected a member name");
                    string key = ParseString(s, ref i);
                    SkipBlanks(s, ref i);
                    if (i >= s.Length || s[i] != ':') throw Error(s, i, "expected ':'");
                    i++;
                    obj.Add(new KeyValuePair<string, object>(key, ParseValue(s, ref i)));
                    SkipBlanks(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    if (i < s.Length && s[i] == '}') { i++; return obj; }
                    throw Error(s, i, "expected ',' or '}'");
                }
            }
            if (c == '[')
            {
                var list = new List<object>();
                i++;
                SkipBlanks(s, ref i);
                if (i < s.Length && s[i] == ']') { i++; return list; }
                while (true)
                {
                    list.Add(ParseValue(s, ref i));
                    SkipBlanks(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    if (i < s.Length && s[i] == ']') { i++; return list; }
                    throw Error(s, i, "expected ',' or ']'");
                }
            }
            if (c == '"') return ParseString(s, ref i);
            foreach (var literal in new[] { new KeyValuePair<string, object>("true", true), new KeyValuePair<string, object>("false", false), new KeyValuePair<string, object>("null", null) })
            {
                if (string.CompareOrdinal(s, i, literal.Key, 0, literal.Key.Length) == 0) { i += literal.Key.Length; return literal.Value; }
            }
            int start = i;
            while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0) i++;
            string number = s.Substring(start, i - start);
            if (number.Length == 0 || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) throw Error(s, start, "unexpected character");
            return new Number { Text = number };
        }

        private static string ParseString(string s, ref int i)
        {
            var sb = new StringBuilder();
            i++;
            while (true)
            {
                if (i >= s.Length) throw Error(s, i, "unterminated string");
                char c = s[i++];
                if (c == '"') return sb.ToString();
                if (c < ' ') throw Error(s, i, "control character in a string");
                if (c != '\\') { sb.Append(c); continue; }
                if (i >= s.Length) throw Error(s, i, "unterminated string");
                char e = s[i++];
                switch (e)
                {
                    case '"': case '\\': case '/': sb.Append(e); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        if (i + 4 > s.Length || !int.TryParse(s.Substring(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code)) throw Error(s, i, "bad \\u escape");
                        sb.Append((char)code);
                        i += 4;
                        break;
                    default: throw Error(s, i, "bad escape");
                }
            }
        }

        public static string Write(object value)
        {
            var sb = new StringBuilder();
            Write(sb, value, 0);
            return sb.Append('\n').ToString();
        }

        private static void Write(StringBuilder sb, object value, int depth)
        {
            string indent = new string(' ', 2 * (depth + 1));
            switch (value)
            {
                case null: sb.Append("null"); break;
                case bool b: sb.Append(b ? "true" : "false"); break;
                case Number n: sb.Append(n.Text); break;
                case string s: WriteString(sb, s); break;
                case Obj obj:
                    if (obj.Count == 0) { sb.Append("{}"); break; }
                    sb.Append("{\n");
                    for (int k = 0; k < obj.Count; k++)
                    {
                        sb.Append(indent);
                        WriteString(sb, obj[k].Key);
                        sb.Append(": ");
                        Write(sb, obj[k].Value, depth + 1);
                        sb.Append(k < obj.Count - 1 ? ",\n" : "\n");
                    }
                    sb.Append(' ', 2 * depth).Append('}');
                    break;
                case List<object> list:
                    if (list.Count == 0) { sb.Append("[]"); break; }
                    sb.Append("[\n");
                    for (int k = 0; k < list.Count; k++)
                    {
                        sb.Append(indent);
                        Write(sb, list[k], depth + 1);
                        sb.Append(k < list.Count - 1 ? ",\n" : "\n");
                    }
                    sb.Append(' ', 2 * depth).Append(']');
                    break;
                default: throw new ArgumentException("Not a JSON value: " + value.GetType());
            }
        }

        private static void WriteString(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < ' ') sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
        }
    }
}
