using System;
using System.IO;
using System.Linq;
using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using Assembly = System.Reflection.Assembly;
using SmartCardPS.Interop;
using Xunit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using static ArchUnitNET.Fluent.Slices.SliceRuleDefinition;

namespace SmartCardPS.Tests.Architecture
{
    /// <summary>
    /// ARCHITECTURE.md's layers as rules over the compiled assemblies: what it says about dependencies is checked
    /// here, so the picture cannot drift from the code. Each rule names the layer it keeps; a new folder in the core
    /// is a new slice and needs no change here unless it sits below Interop.
    /// </summary>
    public class LayerRules
    {
        private static readonly Assembly Core = typeof(SmartCardPS.Atr.AtrParser).Assembly;

        // The cmdlet assembly is read from the test's output folder by file: loading one of its types through
        // reflection would need System.Management.Automation, which only PowerShell brings.
        private static readonly Assembly Cmdlets = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "SmartCardPS.dll"));

        private static readonly ArchUnitNET.Domain.Architecture Code = new ArchLoader().LoadAssemblies(Core, Cmdlets).Build();

        /// <summary>What Interop may use: the OS-level helpers and text rules below it, nothing of the domain above.</summary>
        private static readonly string[] BelowInterop = { "SmartCardPS.Os", "SmartCardPS.Text" };

        private static bool In(IType type, string ns) => type.Namespace.FullName == ns || type.Namespace.FullName.StartsWith(ns + ".", StringComparison.Ordinal);

        private static bool InCore(IType type) => type.Assembly.FullName.StartsWith("SmartCardPS.Core,", StringComparison.Ordinal);

        private static bool InCmdlets(IType type) => type.Assembly.FullName.StartsWith("SmartCardPS,", StringComparison.Ordinal);

        [Fact]
        public void TheCoreReferencesNoPowerShell()
        {
            Assert.DoesNotContain(Core.GetReferencedAssemblies(), a => a.Name.StartsWith("System.Management.Automation", StringComparison.Ordinal));
            Types().That().FollowCustomPredicate(InCore, "are in the core")
                .Should().NotDependOnAny(Types(true).That().FollowCustomPredicate(t => In(t, "System.Management.Automation"), "are PowerShell's"))
                .Check(Code);
        }

        [Fact]
        public void InteropDependsOnNothingAboveIt()
        {
            Types().That().FollowCustomPredicate(t => InCore(t) && In(t, "SmartCardPS.Interop"), "are in SmartCardPS.Interop")
                .Should().NotDependOnAny(Types().That().FollowCustomPredicate(
                    t => InCore(t) && In(t, "SmartCardPS") && !In(t, "SmartCardPS.Interop") && !BelowInterop.Any(ns => In(t, ns)),
                    "are in a core folder above Interop"))
                .Check(Code);
        }

        [Fact]
        public void CoreFoldersHaveNoCycles()
        {
            // One slice per top-level folder of the core: Setup/Checks belongs to Setup, Interop/Linux to Interop.
            Slices().Matching("SmartCardPS.(*)").Should().BeFreeOfCycles()
                .Check(new ArchLoader().LoadAssemblies(Core).Build());
        }

        [Fact]
        public void CmdletsDoNotCallInterop()
        {
            // The native constants (ScardError and the SCARD_SHARE/PROTOCOL/disposition enums) are values every layer
            // may name; what a cmdlet must not reach is the native surface itself.
            Types().That().FollowCustomPredicate(InCmdlets, "are in the cmdlet assembly")
                .Should().NotDependOnAny(Types().That().FollowCustomPredicate(
                    t => InCore(t) && In(t, "SmartCardPS.Interop") && !(t is ArchUnitNET.Domain.Enum), "are Interop's classes, structs or interfaces"))
                .Check(Code);
        }

        [Fact]
        public void EveryCmdletDerivesFromABaseInTheBasesFolder()
        {
            Classes().That().FollowCustomPredicate(c => InCmdlets(c) && !c.IsAbstract.GetValueOrDefault() && IsCmdlet(c), "are cmdlets")
                .Should().FollowCustomCondition(
                    c => c.BaseClass != null && In(c.BaseClass, "SmartCardPS.Commands.Bases") && In(c, "SmartCardPS.Commands") && !In(c, "SmartCardPS.Commands.Bases"),
                    "be in SmartCardPS.Commands and derive directly from a class in SmartCardPS.Commands.Bases",
                    "is not in SmartCardPS.Commands or does not derive directly from a base in SmartCardPS.Commands.Bases")
                .Check(Code);
        }

        [Fact]
        public void CmdletBasesAreAtMostTwoLevelsDeep()
        {
            // SmartCardCmdlet, then at most one base named for the cmdlet's role: what more levels would share (the
            // PKCS#11 run, token lookup, writes to a token) is composed in instead, so a newcomer reads two files.
            Classes().That().FollowCustomPredicate(c => InCmdlets(c) && IsCmdlet(c), "are cmdlets or their bases")
                .Should().FollowCustomCondition(
                    c => BasesBelowPSCmdlet(c) <= 2,
                    "have at most two bases below PSCmdlet (SmartCardCmdlet and one role base)",
                    "has more than two bases below PSCmdlet")
                .Check(Code);
        }

        private static int BasesBelowPSCmdlet(Class c)
        {
            int depth = 0;
            for (Class b = c.BaseClass; b != null && b.FullName != "System.Management.Automation.PSCmdlet"; b = b.BaseClass) depth++;
            return depth;
        }

        [Fact]
        public void NativeCallsAreDeclaredOnlyInOsAndInterop()
        {
            // One libc table (Os.Libc), one loader table (Os.Dl), the PC/SC and Win32 surfaces in Interop: a private
            // [DllImport] elsewhere is a second table that drifts (flags, variadic calls on Apple arm64, library names).
            const System.Reflection.BindingFlags All = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic
                | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly;
            var outside = Core.GetTypes()
                .SelectMany(t => t.GetMethods(All).Where(m => m.GetCustomAttributes(typeof(System.Runtime.InteropServices.DllImportAttribute), false).Length > 0))
                .Select(m => m.DeclaringType)
                .Where(t => !IsOwnedBy(t, "SmartCardPS.Os.Libc") && !IsOwnedBy(t, "SmartCardPS.Os.Dl") && !(t.Namespace ?? string.Empty).StartsWith("SmartCardPS.Interop", StringComparison.Ordinal))
                .Select(t => t.FullName)
                .Distinct()
                .ToList();
            Assert.Empty(outside);
        }

        private static bool IsOwnedBy(System.Type type, string owner)
        {
            for (System.Type t = type; t != null; t = t.DeclaringType)
                if (t.FullName == owner) return true;
            return false;
        }

        private static bool IsCmdlet(Class c)
        {
            for (Class b = c.BaseClass; b != null; b = b.BaseClass)
                if (b.FullName == "System.Management.Automation.PSCmdlet" || b.FullName == "System.Management.Automation.Cmdlet") return true;
            return false;
        }
    }
}
