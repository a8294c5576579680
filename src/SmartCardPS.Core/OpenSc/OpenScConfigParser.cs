using SmartCardPS.Text;

namespace SmartCardPS.OpenSc
{
    /// <summary>
    /// Parses opensc.conf as OpenSC's scconf reads it: <c># comments</c>, <c>key = value[, value];</c> items and
    /// <c>name [value…] { … }</c> blocks. Every node keeps its offsets, so an edit can touch one value and leave
    /// each comment, blank line and unrelated setting exactly as it was. Unbalanced braces and missing
    /// semicolons are errors with their line, where scconf would quietly drop the rest of the file.
    /// </summary>
    internal sealed class OpenScConfigParser
    {
        private enum Kind { End, Word, String, Punct }

        private struct Token
        {
            public Kind Kind;
            public string Text;
            public int Start, End, Line;
        }

        private readonly string path;
        private readonly string text;
        private int pos;
        private int line = 1;
        private Token? peeked;

        private OpenScConfigParser(string path, string text)
        {
            this.path = path;
            this.text = text;
        }

        /// <summary>The root's children are the file's top-level blocks and items.</summary>
        public static OpenScConfigNode Parse(string path, string text)
        {
            var parser = new OpenScConfigParser(path, text);
            var root = new OpenScConfigNode { IsBlock = true, Name = "", OpenBrace = -1, CloseBrace = text.Length };
            parser.ParseBody(root, nested: false);
            return root;
        }

        private void ParseBody(OpenScConfigNode block, bool nested)
        {
            while (true)
            {
                Token t = Next();
                if (t.Kind == Kind.End)
                {
                    if (nested) throw Error(block.Line, $"block '{Describe(block)}' opened here is never closed (a '}}' is missing)");
                    return;
                }
                if (t.Kind == Kind.Punct && t.Text == "}")
                {
                    if (!nested) throw Error(t.Line, "'}' closes no block (one '}' too many)");
                    block.CloseBrace = t.Start;
                    return;
                }
                if (t.Kind == Kind.Punct && t.Text == ";") continue;
                if (t.Kind != Kind.Word) throw Error(t.Line, $"unexpected '{t.Text}' where a setting or block name belongs");
                Token after = Peek();
                if (after.Kind == Kind.Punct && after.Text == "=")
                {
                    Next();
                    block.Children.Add(ParseItem(t));
                }
                else
                {
                    block.Children.Add(ParseBlock(t));
                }
            }
        }

        private OpenScConfigNode ParseItem(Token name)
        {
            var item = new OpenScConfigNode { Name = name.Text, Line = name.Line };
            Token last = name;
            while (true)
            {
                Token value = Next();
                if (value.Kind != Kind.Word && value.Kind != Kind.String)
                    throw Error(value.Kind == Kind.End ? last.Line : value.Line, $"'{name.Text} =' has no value");
                if (item.Values.Count == 0) item.ValueStart = value.Start;
                item.ValueEnd = value.End;
                item.Values.Add(Unquote(value));
                last = value;
                Token sep = Next();
                if (sep.Kind == Kind.Punct && sep.Text == ";") return item;
                if (sep.Kind == Kind.Punct && sep.Text == ",") continue;
                throw Error(last.Line, $"missing ';' after '{name.Text} = {text.Substring(item.ValueStart, item.ValueEnd - item.ValueStart)}'");
            }
        }

        private OpenScConfigNode ParseBlock(Token name)
        {
            var block = new OpenScConfigNode { IsBlock = true, Name = name.Text, Line = name.Line };
            while (true)
            {
                Token t = Next();
                if (t.Kind == Kind.Word || t.Kind == Kind.String)
                {
                    block.Values.Add(Unquote(t));
                    continue;
                }
                if (t.Kind == Kind.Punct && t.Text == "{")
                {
                    block.OpenBrace = t.Start;
                    ParseBody(block, nested: true);
                    return block;
                }
                throw Error(t.Kind == Kind.End ? name.Line : t.Line,
                    $"'{Describe(block)}' is followed by neither '= value;' nor '{{' (a '=' or ';' is missing)");
            }
        }

        private static string Describe(OpenScConfigNode block) =>
            block.Values.Count == 0 ? block.Name : block.Name + " " + string.Join(" ", block.Values);

        private static string Unquote(Token t) => t.Kind == Kind.String ? t.Text.Substring(1, t.Text.Length - 2) : t.Text;

        // The problem quotes file content: no control or bidi character may reach the console raw.
        private OpenScConfigException Error(int atLine, string problem) => new OpenScConfigException(path, atLine, UntrustedText.Escape(problem));


        private Token Peek()
        {
            if (!peeked.HasValue) peeked = Lex();
            return peeked.Value;
        }

        private Token Next()
        {
            Token t = Peek();
            peeked = null;
            return t;
        }

        private Token Lex()
        {
            while (pos < text.Length)
            {
                char c = text[pos];
                if (c == '\n') { line++; pos++; }
                else if (char.IsWhiteSpace(c)) pos++;
                else if (c == '#') { while (pos < text.Length && text[pos] != '\n') pos++; }
                else break;
            }
            if (pos >= text.Length) return new Token { Kind = Kind.End, Start = pos, End = pos, Line = line };
            int start = pos, startLine = line;
            char first = text[pos];
            if ("{}=,;".IndexOf(first) >= 0)
            {
                pos++;
                return new Token { Kind = Kind.Punct, Text = first.ToString(), Start = start, End = pos, Line = startLine };
            }
            if (first == '"')
            {
                pos++;
                while (pos < text.Length && text[pos] != '"')
                {
                    if (text[pos] == '\\' && pos + 1 < text.Length) pos++;
                    if (text[pos] == '\n') line++;
                    pos++;
                }
                if (pos >= text.Length) throw Error(startLine, "a quoted string is never closed");
                pos++;
                return new Token { Kind = Kind.String, Text = text.Substring(start, pos - start), Start = start, End = pos, Line = startLine };
            }
            while (pos < text.Length && !char.IsWhiteSpace(text[pos]) && "{}=,;#\"".IndexOf(text[pos]) < 0) pos++;
            return new Token { Kind = Kind.Word, Text = text.Substring(start, pos - start), Start = start, End = pos, Line = startLine };
        }
    }
}
