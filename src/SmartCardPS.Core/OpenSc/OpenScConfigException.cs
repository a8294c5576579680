using System;
using SmartCardPS.Text;

namespace SmartCardPS.OpenSc
{
    /// <summary>An opensc.conf that cannot be parsed; such a file is never rewritten.</summary>
    public sealed class OpenScConfigException : Exception
    {
        public OpenScConfigException(string path, int line, string problem)
            : this(path, line, problem, "")
        {
        }

        private OpenScConfigException(string path, int line, string problem, string outcome)
            : base($"{UntrustedText.Escape(path)}: line {line}: {problem}. Fix the file by hand{outcome}.")
        {
            Path = path;
            Line = line;
            Problem = problem;
        }

        /// <summary>The same problem as an edit reports it: the file was left as it was. A read says nothing of changes.</summary>
        public OpenScConfigException LeftUnchanged() => new OpenScConfigException(Path, Line, Problem, "; it was not changed");

        public string Path { get; }
        public int Line { get; }
        public string Problem { get; }
    }
}
