using System.Management.Automation;
using SmartCardPS.Clients;
using SmartCardPS.Connections;
using SmartCardPS.Interop;
using SmartCardPS.Pcsc;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>What the card cmdlets share: connecting to a reader by name, and PC/SC failures as one error per
    /// item.</summary>
    public abstract class CardCmdlet : SmartCardCmdlet
    {
        /// <summary>The connection, or null after writing why there is none (a stopped service stops the
        /// command).</summary>
        protected SmartCardConnection TryConnect(string reader, SmartCardShareMode share, SmartCardProtocol protocol)
        {
            try
            {
                return CardConnections.Connect(reader, share, protocol);
            }
            catch (PcscException ex)
            {
                WritePcscError(ex, reader, reader);
            }
            catch (AmbiguousReaderException ex)
            {
                WriteError(NewError(ex, "AmbiguousReader", ErrorCategory.InvalidArgument, reader));
            }
            return null;
        }

        /// <summary>
        /// One item failed; the service being gone fails them all, so that one stops the command. A sharing violation
        /// on <paramref name="reader"/> names who may hold the card.
        /// </summary>
        protected void WritePcscError(PcscException exception, object target, string reader = null)
        {
            exception = CardHolders.Explain(exception, reader, connection => ConnectionVariables.Of(this, connection));
            if (exception.IsServiceUnavailable) ThrowPcscError(exception, target);
            WriteError(NewPcscError(exception, target));
        }
    }
}
