using System;
using SmartCardPS.Text;

namespace SmartCardPS.OpenSc
{
    /// <summary>An opensc.conf that cannot be parsed; such a file is never rewritten.</summary>
    public sealed class OpenScConfigException : Exception
    {
        public OpenScConfigException(string path, int line, string problem)
            : base($"{UntrustedText.Escape(path)}: line {line}: {problem}. Fix the file by hand; it was not changed.")
        {
            Path = path;
            Line = line;
            Problem = problem;
        }

        public string Path { get; }
        public int Line { get; }
        public string Problem { get; }
    }
}
