using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// The module's views (Formats/*.Format.ps1xml), loaded into a runspace when one of its cmdlets first runs there
    /// rather than at import: format files in the manifest make Import-Module build PowerShell's whole format
    /// database, which costs more than the rest of the import, and a script that never formats output would pay it
    /// for nothing.
    /// </summary>
    internal static class ModuleFormats
    {
        private static readonly ConditionalWeakTable<Runspace, object> Loaded = new ConditionalWeakTable<Runspace, object>();
        private static readonly object Marker = new object();

        public static void EnsureLoaded(PSCmdlet cmdlet)
        {
            Runspace runspace = Runspace.DefaultRunspace;
            if (runspace == null) return;
            lock (Loaded)
            {
                if (Loaded.TryGetValue(runspace, out _)) return;
                Loaded.Add(runspace, Marker);
            }
            string directory = Path.GetDirectoryName(typeof(ModuleFormats).Assembly.Location);
            string[] files = Directory.GetFiles(directory, "*.Format.ps1xml");
            if (files.Length == 0) return;
            try
            {
                cmdlet.InvokeCommand.InvokeScript("param([string[]] $Path) Update-FormatData -AppendPath $Path", false,
                    PipelineResultTypes.None, null, new object[] { files });
            }
            catch (RuntimeException ex)
            {
                // Views only change how objects look: the command still does its work without them.
                cmdlet.WriteVerbose("SmartCardPS views were not loaded: " + ex.Message);
            }
        }
    }
}
