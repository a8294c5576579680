using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.Clients;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Completion;
using SmartCardPS.Parameters;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the processes connected to the PC/SC service: who may be holding the card.</para>
    /// <para type="description">On Linux, asks the kernel for the peers of pcscd's socket (/run/pcscd/pcscd.comm, or
    /// PCSCLITE_CSOCK_NAME) and finds the processes holding them in /proc/PID/fd, as pcsc-lite's
    /// list_pcsc_applications.sh does with lsof, and emits one PcscClient per process: ProcessId, ProcessName,
    /// CommandLine, User, Connections (pcsc-lite opens one per context), IsCurrentProcess. Without root, other users'
    /// processes cannot be read: when connections are left that no readable process holds, a warning names how many and
    /// which processes could not be read. On Windows the clients are the processes with winscard.dll loaded (each
    /// counted as one connection, without CommandLine or User; processes whose modules cannot be read without elevation
    /// are named in the warning). On macOS the clients are those of com.apple.ctkpcscd; there the command stops with
    /// GetSmartCardClientNotSupported, naming the command to use. No clients gives no output. A literal -Name or a
    /// -ProcessId that is not a client writes GetSmartCardClientNotFound; processes piped in (Get-Process |
    /// Get-SmartCardClient) are answered for, and those that are not clients are left out without an error.</para>
    /// </summary>
    /// <example>
    /// <code>Get-SmartCardClient</code>
    /// <para>Lists every program connected to pcscd, e.g. scdaemon, a browser, a leftover script.</para>
    /// </example>
    /// <example>
    /// <code>Get-SmartCardClient -Name 'scdaemon*' | Format-List ProcessId, User, CommandLine</code>
    /// <para>Shows whether GnuPG's scdaemon is connected, and as whom (gpgconf --kill scdaemon stops it); a wildcard
    /// that matches nothing writes nothing.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "SmartCardClient")]
    [OutputType(typeof(PcscClient))]
    public sealed class GetSmartCardClientCommand : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">Process names to return (as ps shows them); wildcards are allowed.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "Process names to return; wildcards are allowed.")]
        [Alias("ProcessName")]
        [ArgumentCompleter(typeof(ClientNameCompleter))]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; }

        /// <summary>
        /// <para type="description">Process ids to return.</para>
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "Process ids to return.")]
        [Alias("Id")]
        public int[] ProcessId { get; set; }

        private PcscClientScan scan;

        protected override void BeginProcessing()
        {
            try
            {
                scan = PcscClients.Scan();
            }
            catch (PlatformNotSupportedException ex)
            {
                ThrowTerminatingError(NewError(ex, "NotSupported", ErrorCategory.NotImplemented, null));
            }
            catch (Win32Exception ex)
            {
                ThrowTerminatingError(NewError(ex, "QueryFailed", ErrorCategory.ResourceUnavailable, PcscClients.SocketPath));
            }
            if (!scan.ServiceListening) WriteWarning($"No PC/SC service listens on {UntrustedText.Quote(scan.SocketPath)}, so no process is connected to one.");
            string warning = scan.UninspectedWarning();
            if (warning != null) WriteWarning(warning);
            if (scan.UninspectedProcessIds.Count > 0) WriteVerbose($"{scan.UninspectedProcessIds.Count} processes could not be read; every connection to the service was matched without them: {scan.UnattributedConnections == 0}.");
        }

        protected override void ProcessRecord()
        {
            // Piped processes (Get-Process | Get-SmartCardClient) are a question about each: those that are not
            // clients are simply not in the answer, rather than one error each.
            bool piped = MyInvocation.ExpectingInput;
            IEnumerable<PcscClient> selected = scan.Clients;
            if (Name != null)
            {
                selected = piped ? scan.Clients.Where(c => Name.Any(n => n == c.ProcessName || Wildcard.Matcher(n)(c.ProcessName))) : SelectByName(scan.Clients, Name, c => c.ProcessName,
                    name => $"No process named {UntrustedText.Quote(name)} is connected to the PC/SC service. Run Get-SmartCardClient without -Name to list them.");
            }
            if (ProcessId != null)
            {
                foreach (int id in ProcessId.Where(id => !piped && !scan.Clients.Any(c => c.ProcessId == id)))
                {
                    WriteError(NewError(new ItemNotFoundException($"Process {id} is not connected to the PC/SC service."), "NotFound", ErrorCategory.ObjectNotFound, id));
                }
                selected = selected.Where(c => ProcessId.Contains(c.ProcessId));
            }
            WriteObject(selected.ToList(), enumerateCollection: true);
        }
    }
}
