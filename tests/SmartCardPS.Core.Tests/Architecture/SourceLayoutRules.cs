using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace SmartCardPS.Tests.Architecture
{
    /// <summary>
    /// What the compiled assemblies cannot show: where each file sits. A type's namespace is its folder (below the
    /// project's root namespace), so a newcomer finds a type from its name; and a file holds one public type, named
    /// as the file is, so the file list is the list of what the project offers.
    /// </summary>
    public class SourceLayoutRules
    {
        private static readonly Regex NamespaceLine = new Regex(@"^namespace\s+([\w.]+)", RegexOptions.Multiline);

        // Top-level declarations only: the core and cmdlet files indent them by four spaces inside the namespace.
        private static readonly Regex PublicTopLevelType = new Regex(
            @"^    public\s+(?:(?:static|sealed|abstract|partial|readonly|unsafe)\s+)*(?:class|struct|enum|interface|delegate\s+\S+)\s+(\w+)",
            RegexOptions.Multiline);

        /// <summary>Each source project and the namespace its top folder stands for.</summary>
        public static IEnumerable<object[]> Projects() => new[]
        {
            new object[] { "src/SmartCardPS.Core", "SmartCardPS" },
            new object[] { "src/SmartCardPS", "SmartCardPS" },
        };

        [Theory]
        [MemberData(nameof(Projects))]
        public void OnlyRunningOsAsksWhichOsThisIs(string project, string rootNamespace)
        {
            // One Platform (issue 22): the question was asked 43 times in 21 files; a platform difference now reads as
            // RunningOs.IsWindows, and a new OS (or a change in how one is told apart) is one file's change.
            _ = rootNamespace;
            string own = Path.Combine(RepositoryRoot, "src", "SmartCardPS.Core", "Os", "RunningOs.cs");
            var asking = SourceFiles(project)
                .Where(file => file != own && File.ReadAllText(file).Contains("IsOSPlatform(", StringComparison.Ordinal))
                .Select(Relative)
                .ToList();
            Assert.True(asking.Count == 0, "Ask RunningOs instead of RuntimeInformation.IsOSPlatform in: " + string.Join(", ", asking));
        }

        [Theory]
        [MemberData(nameof(Projects))]
        public void EveryNamespaceIsItsFolder(string project, string rootNamespace)
        {
            var wrong = new List<string>();
            foreach (string file in SourceFiles(project))
            {
                string folder = Path.GetDirectoryName(Path.GetRelativePath(Path.Combine(RepositoryRoot, project), file));
                string expected = folder.Length == 0 ? rootNamespace : rootNamespace + "." + folder.Replace(Path.DirectorySeparatorChar, '.');
                foreach (Match m in NamespaceLine.Matches(File.ReadAllText(file)))
                    if (m.Groups[1].Value != expected) wrong.Add($"{Relative(file)}: namespace {m.Groups[1].Value}, folder says {expected}");
            }
            Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
        }

        /// <summary>
        /// The tests mirror the core: a test of SmartCardPS.Pcsc sits in Pcsc/ and is in SmartCardPS.Tests.Pcsc, and what
        /// several folders share (fixtures, fakes, helpers) sits in Support/. Nothing stays at the project's root, so a
        /// newcomer finds the tests of a type where the type is.
        /// </summary>
        [Fact]
        public void EveryTestNamespaceIsItsFolderAndNoneSitsAtTheRoot()
        {
            const string project = "tests/SmartCardPS.Core.Tests";
            var wrong = new List<string>();
            foreach (string file in SourceFiles(project))
            {
                string folder = Path.GetDirectoryName(Path.GetRelativePath(Path.Combine(RepositoryRoot, project), file));
                if (folder.Length == 0)
                {
                    wrong.Add($"{Relative(file)}: at the project root; put it in the folder of the core namespace it tests, or in Support/");
                    continue;
                }
                string expected = "SmartCardPS.Tests." + folder.Replace(Path.DirectorySeparatorChar, '.');
                var namespaces = NamespaceLine.Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value).ToList();
                if (namespaces.Count == 0) wrong.Add($"{Relative(file)}: no namespace, folder says {expected}");
                foreach (string ns in namespaces)
                    if (ns != expected) wrong.Add($"{Relative(file)}: namespace {ns}, folder says {expected}");
            }
            Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
        }

        private static readonly Regex CmdletAttribute = new Regex(@"\[Cmdlet\(Verbs\w+\.(\w+),\s*""(\w+)""");

        /// <summary>
        /// The Pester files mirror the cmdlets: one folder per cmdlet noun holding files named for a cmdlet of that noun
        /// (Verb-Noun...) or for the noun itself, CrossCutting/ for what spans cmdlets, Support/ for the dot-sourced
        /// helpers and data. A newcomer finds the tests of Remove-Pkcs11Object in Pkcs11Object/.
        /// </summary>
        [Fact]
        public void EveryPesterFileSitsInTheFolderOfItsCmdletNoun()
        {
            var cmdlets = SourceFiles("src/SmartCardPS/Commands")
                .SelectMany(f => CmdletAttribute.Matches(File.ReadAllText(f)).Select(m => (Verb: m.Groups[1].Value, Noun: m.Groups[2].Value)))
                .ToList();
            Assert.NotEmpty(cmdlets);
            string pester = Path.Combine(RepositoryRoot, "tests", "pester");
            var wrong = new List<string>();
            foreach (string file in Directory.EnumerateFiles(pester, "*.Tests.ps1", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
            {
                string[] parts = Path.GetRelativePath(pester, file).Split(Path.DirectorySeparatorChar);
                string name = parts[^1];
                if (parts.Length != 2) wrong.Add($"{Relative(file)}: put it in the folder of its cmdlet noun or in CrossCutting/");
                else if (parts[0] == "Support") wrong.Add($"{Relative(file)}: Support/ holds helpers, not tests");
                else if (parts[0] == "CrossCutting") continue;
                else if (!cmdlets.Any(c => c.Noun == parts[0])) wrong.Add($"{Relative(file)}: {parts[0]} is no cmdlet's noun");
                else if (!name.StartsWith(parts[0], StringComparison.Ordinal) && !cmdlets.Any(c => c.Noun == parts[0] && name.StartsWith($"{c.Verb}-{c.Noun}.", StringComparison.Ordinal)))
                    wrong.Add($"{Relative(file)}: name it for a cmdlet of {parts[0]} (Verb-{parts[0]}.Tests.ps1) or for the noun");
            }
            Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
        }

        [Fact]
        public void HelpSourceHasNoLineOver120Characters()
        {
            // The help is generated from the cmdlets' doc comments: kept short, a change to it reads in a diff.
            var wide = new List<string>();
            foreach (string file in SourceFiles("src/SmartCardPS"))
            {
                string[] lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                    if (lines[i].TrimStart().StartsWith("///", StringComparison.Ordinal) && lines[i].Length > 120) wide.Add($"{Relative(file)}:{i + 1} ({lines[i].Length})");
            }
            Assert.True(wide.Count == 0, string.Join(Environment.NewLine, wide));
        }

        [Theory]
        [MemberData(nameof(Projects))]
        public void EveryFileHoldsAtMostOnePublicTypeNamedAsTheFile(string project, string rootNamespace)
        {
            _ = rootNamespace;
            var wrong = new List<string>();
            foreach (string file in SourceFiles(project))
            {
                var names = PublicTopLevelType.Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value).ToList();
                // Partial classes spread over Name.Part.cs files keep the name before the first dot.
                string stem = Path.GetFileName(file).Split('.')[0];
                if (names.Count > 1) wrong.Add($"{Relative(file)}: {string.Join(", ", names)}");
                else if (names.Count == 1 && names[0] != stem) wrong.Add($"{Relative(file)}: holds {names[0]}");
            }
            Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
        }

        private static IEnumerable<string> SourceFiles(string project)
        {
            string root = Path.Combine(RepositoryRoot, project);
            return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
                .Where(f => !IsBuildOutput(Path.GetRelativePath(root, f)))
                .OrderBy(f => f, StringComparer.Ordinal);
        }

        private static bool IsBuildOutput(string relative)
        {
            string first = relative.Split(Path.DirectorySeparatorChar)[0];
            return first == "obj" || first == "bin";
        }

        private static string Relative(string file) => Path.GetRelativePath(RepositoryRoot, file);

        /// <summary>The checkout holding this build of the tests: the first folder above them with SmartCardPS.sln.</summary>
        private static readonly string RepositoryRoot = FindRoot();

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "SmartCardPS.sln"))) return dir.FullName;
            throw new InvalidOperationException("No SmartCardPS.sln above " + AppContext.BaseDirectory);
        }
    }
}
