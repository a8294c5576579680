using System.IO;
using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.OpenSc;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Reads OpenSC's configuration file (opensc.conf): the PIN pad and other PC/SC reader
    /// settings, and debug.</para>
    /// <para type="description">Reads the file OpenSC reads: the one named by OPENSC_CONF, else the platform's default
    /// (/etc/opensc/opensc.conf on Debian and Ubuntu, /etc/opensc.conf on Arch, Fedora and openSUSE), or -Path. Emits
    /// one OpenScConfiguration with the settings of the app default block's reader_driver pcsc block (EnablePinPad,
    /// EnablePace, ConnectExclusive, DisconnectAction, TransactionEndAction, ReconnectAction) and its debug and
    /// debug_file, with OpenSC's defaults where the file says nothing; EnablePinPadSet tells whether enable_pinpad is
    /// written in the file. A missing file gives Exists = False and the defaults. A malformed file (unbalanced braces,
    /// a missing semicolon) is an InvalidData error naming the line.</para>
    /// </summary>
    /// <example>
    /// <code>Get-OpenScConfiguration</code>
    /// <para>Shows the file OpenSC reads and whether it uses PIN pads.</para>
    /// </example>
    /// <example>
    /// <code>(Get-OpenScConfiguration -Path ./opensc.conf).EnablePinPad</code>
    /// <para>Whether OpenSC would ask readers' PIN pads for the PIN with this file.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "OpenScConfiguration")]
    [OutputType(typeof(OpenScConfiguration))]
    public sealed class GetOpenScConfigurationCommand : SmartCardCmdlet
    {
        /// <summary>
        /// <para type="description">The opensc.conf to read; by default OPENSC_CONF, else the platform's default
        /// file.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The opensc.conf to read.")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        protected override void ProcessRecord()
        {
            string path = Path == null ? OpenScConfigFile.DefaultPath() : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            try
            {
                WriteObject(OpenScConfigFile.Load(path).ToConfiguration());
            }
            catch (OpenScConfigException ex)
            {
                WriteError(NewError(ex, "InvalidFile", ErrorCategory.InvalidData, path));
            }
            catch (IOException ex)
            {
                if (!TryWriteUnsafePathError(ex, path)) WriteError(NewError(ex, "ReadFailed", ErrorCategory.ReadError, path));
            }
            catch (System.UnauthorizedAccessException ex)
            {
                WriteError(NewError(ex, "PermissionDenied", ErrorCategory.PermissionDenied, path));
            }
        }
    }
}
