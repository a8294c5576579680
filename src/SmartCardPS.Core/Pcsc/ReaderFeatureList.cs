using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;

namespace SmartCardPS.Pcsc
{
    /// <summary>
    /// A reader's part 10 features. A list to scripts and ConvertTo-Json; its text is the feature names separated by
    /// spaces, because Export-Csv writes a property's ToString() and an array's is its type name.
    /// </summary>
    public sealed class ReaderFeatureList : ReadOnlyCollection<ReaderFeature>
    {
        public ReaderFeatureList(IList<ReaderFeature> features) : base(features) { }

        public override string ToString() => string.Join(" ", this.Select(f => f.Name));
    }
}
