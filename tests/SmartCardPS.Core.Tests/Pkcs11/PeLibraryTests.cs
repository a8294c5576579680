using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using SmartCardPS.Pkcs11;
using SmartCardPS.Tests.Support;
using Xunit;

namespace SmartCardPS.Tests.Pkcs11
{
    /// <summary>
    /// Reading a Windows DLL's exports from its PE file (Register-NssModule on Windows decides from them whether a DLL
    /// is a PKCS#11 module, without loading it); checked against mingw's objdump on Wine's DLLs and a mingw-built one.
    /// </summary>
    public sealed class PeLibraryTests : IDisposable
    {
        private const string WineDlls = "/usr/lib/x86_64-linux-gnu/wine/x86_64-windows";
        private const string Objdump = "/usr/bin/x86_64-w64-mingw32-objdump";
        private readonly string root = Path.Combine(Path.GetTempPath(), "smartcardps-pe-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public PeLibraryTests() => Directory.CreateDirectory(root);

        public void Dispose() => Directory.Delete(root, recursive: true);

        private static string Run(string file, params string[] arguments)
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in arguments) psi.ArgumentList.Add(a);
            using (var p = Process.Start(psi))
            {
                string output = p.StandardOutput.ReadToEnd();
                string error = p.StandardError.ReadToEnd();
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, $"{file} failed: {error}");
                return output;
            }
        }

        // objdump -p's "[Ordinal/Name Pointer] Table": one "\t[   N] Name" line per exported name.
        private static HashSet<string> ObjdumpExports(string path) =>
            new HashSet<string>(Run(Objdump, "-p", path).Split('\n')
                .SkipWhile(l => !l.StartsWith("[Ordinal/Name Pointer] Table", StringComparison.Ordinal)).Skip(1)
                .TakeWhile(l => l.StartsWith("\t[", StringComparison.Ordinal))
                .Select(l => l.Substring(l.IndexOf(']') + 1).Trim()), StringComparer.Ordinal);

        [SkippableFact]
        public void TheExportsAreReadAsObjdumpShowsThem()
        {
            Requires.Dependency(File.Exists(Objdump), "mingw's objdump (apt-get install binutils-mingw-w64-x86-64)");
            Requires.Dependency(File.Exists(Path.Combine(WineDlls, "kernel32.dll")), "Wine's DLLs (apt-get install libwine)");
            foreach (string name in new[] { "kernel32.dll", "winscard.dll", "ntdll.dll" })
            {
                string path = Path.Combine(WineDlls, name);
                PeLibrary dll = PeLibrary.Read(path, out string problem);
                Assert.Null(problem);
                HashSet<string> expected = ObjdumpExports(path);
                Assert.NotEmpty(expected);
                foreach (string export in expected) Assert.True(dll.Exports(export), $"{name} exports {export}");
                Assert.False(dll.Exports("C_GetFunctionList"));
            }
        }

        [SkippableFact]
        public void ADllExportingCGetFunctionListIsAPkcs11Module()
        {
            Requires.Dependency(File.Exists("/usr/bin/x86_64-w64-mingw32-gcc"), "mingw (apt-get install gcc-mingw-w64-x86-64-posix)");
            string dll = Path.Combine(root, "pkcs11-export.dll");
            string source = Path.Combine(AppContext.BaseDirectory, "../../../../wine/pkcs11-export.c");
            Run("/usr/bin/x86_64-w64-mingw32-gcc", "-shared", "-O1", "-o", dll, Path.GetFullPath(source));
            Assert.True(PeLibrary.Read(dll, out string problem).Exports("C_GetFunctionList"));
            Assert.Null(problem);
        }

        [SkippableFact]
        public void ProgramsElfFilesAndDamagedFilesAreNoDlls()
        {
            Requires.Dependency(File.Exists(Path.Combine(WineDlls, "notepad.exe")), "Wine's programs (apt-get install libwine)");
            Assert.Null(PeLibrary.Read(Path.Combine(WineDlls, "notepad.exe"), out string problem));
            Assert.Equal("is a program, not a DLL", problem);
            Assert.Null(PeLibrary.Read("/bin/sh", out problem));
            Assert.StartsWith("is not a PE file", problem);
            // The first 4 KB of a real DLL: its headers, with the sections and exports they point to cut off.
            string cut = Path.Combine(root, "cut.dll");
            File.WriteAllBytes(cut, File.ReadAllBytes(Path.Combine(WineDlls, "kernel32.dll")).Take(4096).ToArray());
            Assert.Null(PeLibrary.Read(cut, out problem));
            Assert.Contains("damaged", problem);
        }
    }
}
