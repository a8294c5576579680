using System.ComponentModel;
using System.Diagnostics;

namespace SmartCardPS.Os
{
    /// <summary>Runs a system tool to completion, reading both streams at once so neither can fill and stall it.</summary>
    internal static class ToolRunner
    {
        /// <summary>The result, or exit code 127 with the reason in Stderr when the tool cannot be started.</summary>
        public static ToolResult Run(string file, string arguments)
        {
            var psi = new ProcessStartInfo(file, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            try
            {
                using (var p = Process.Start(psi))
                {
                    var stderr = p.StandardError.ReadToEndAsync();
                    string stdout = p.StandardOutput.ReadToEnd();
                    p.WaitForExit();
                    return new ToolResult { ExitCode = p.ExitCode, Stdout = stdout, Stderr = stderr.Result };
                }
            }
            catch (Win32Exception ex)
            {
                return new ToolResult { ExitCode = 127, Stderr = $"{file}: {ex.Message}" };
            }
        }
    }
}
