using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace SmartCardPS.WineHost
{
    /// <summary>
    /// Runs one script file in PowerShell 7 on Windows (here: under Wine) and exits non-zero when it throws. The
    /// script writes its own results; this host only shows its streams, so a failure is readable in the test log.
    /// Usage: SmartCardPS.WineHost.exe SCRIPT [ARG...]
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length < 1)
            {
                Console.Error.WriteLine("usage: SmartCardPS.WineHost.exe SCRIPT [ARG...]");
                return 2;
            }
            // UTF-8, as Windows Terminal and PowerShell 7 write it: Wine's console code page would turn an ellipsis or an
            // accented reader name into '?' bytes that the Linux side then reads as U+FFFD.
            Console.OutputEncoding = new System.Text.UTF8Encoding(false);
            // CreateDefault, not CreateDefault2: in an SDK publish the latter has no Format-List or Out-String.
            InitialSessionState state = InitialSessionState.CreateDefault();
            state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
            using (PowerShell shell = PowerShell.Create(state))
            {
                shell.AddCommand(args[0]);
                for (int i = 1; i < args.Length; i++) shell.AddArgument(args[i]);
                shell.AddCommand("Out-String").AddParameter("Stream");
                try
                {
                    foreach (PSObject line in shell.Invoke()) Console.WriteLine(line);
                }
                catch (RuntimeException e)
                {
                    Console.Error.WriteLine("The script failed: " + e.ErrorRecord);
                    Console.Error.WriteLine(e.ErrorRecord.ScriptStackTrace);
                    return 1;
                }
                foreach (ErrorRecord error in shell.Streams.Error) Console.Error.WriteLine("Error: " + error + " (" + error.FullyQualifiedErrorId + ")");
                foreach (WarningRecord warning in shell.Streams.Warning) Console.Error.WriteLine("Warning: " + warning);
                return shell.HadErrors ? 1 : 0;
            }
        }
    }
}
