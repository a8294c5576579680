using System.Collections.Generic;
using System.Linq;
using SmartCardPS.Text;

namespace SmartCardPS.Setup.Checks
{
    /// <summary>A card is in a reader (a failure only with -RequireCard).</summary>
    public sealed class CardPresentCheck : ISetupCheck
    {
        public const string Name = "Card";

        public int Order => 700;

        public IEnumerable<SetupCheck> Run(SetupContext context)
        {
            if (context.Readers == null || context.Readers.Count == 0)
            {
                yield return new SetupCheck(Name, context.Options.RequireCard ? SetupStatus.Fail : SetupStatus.Skip,
                    context.Readers == null ? "the PC/SC service does not answer" : "there is no reader to hold a card",
                    context.Options.RequireCard ? "connect a reader and insert a card" : null);
                yield break;
            }
            var withCard = context.Readers.Where(r => r.CardPresent).ToList();
            if (withCard.Count == 0)
            {
                yield return new SetupCheck(Name, context.Options.RequireCard ? SetupStatus.Fail : SetupStatus.Warn, "no reader holds a card",
                    "insert a card; if it is in, take it out and put it back, or try another reader");
                yield break;
            }
            yield return new SetupCheck(Name, SetupStatus.Pass, string.Join(", ", withCard.Select(r =>
                $"{UntrustedText.Quote(r.Name)}: {r.Atr}" + (r.CardName != null ? $" ({UntrustedText.Escape(r.CardName)})" : ""))));
        }
    }
}
