using System.Diagnostics;

namespace SmartCardPS.Tests.Support
{
    /// <summary>Runs the real system tools a test sets its scene with (chown, chmod).</summary>
    internal static class Programs
    {
        /// <summary>Runs a program (chown, chmod) and returns its exit code.</summary>
        internal static int Run(string program, params string[] arguments)
        {
            var start = new ProcessStartInfo(program);
            foreach (string a in arguments) start.ArgumentList.Add(a);
            using (var p = Process.Start(start))
            {
                p.WaitForExit();
                return p.ExitCode;
            }
        }
    }
}
