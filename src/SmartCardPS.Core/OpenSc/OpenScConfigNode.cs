using System.Collections.Generic;

namespace SmartCardPS.OpenSc
{
    /// <summary>One block (<c>name value { … }</c>) or item (<c>key = value;</c>) of an opensc.conf, with where it sits in the text.</summary>
    internal sealed class OpenScConfigNode
    {
        public bool IsBlock;
        public string Name;

        /// <summary>A block's names after its keyword (<c>pcsc</c> in <c>reader_driver pcsc</c>); an item's values, unquoted.</summary>
        public List<string> Values = new List<string>();

        public int Line;

        /// <summary>An item's value text runs from ValueStart to ValueEnd; a block's body from OpenBrace+1 to CloseBrace.</summary>
        public int ValueStart, ValueEnd, OpenBrace, CloseBrace;

        public List<OpenScConfigNode> Children = new List<OpenScConfigNode>();

        public OpenScConfigNode FindBlock(string name, string value) =>
            Children.Find(c => c.IsBlock && c.Name == name && c.Values.Count > 0 && c.Values[0] == value);

        public OpenScConfigNode FindItem(string key) => Children.Find(c => !c.IsBlock && c.Name == key);
    }
}
