using System;
using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;
using Xunit;
using SmartCardPS.OpenSc;
using SmartCardPS.Tests.Support;

namespace SmartCardPS.Tests.OpenSc
{
    public sealed class OpenScConfigFileTests : IDisposable
    {
        // Debian's shipped /etc/opensc/opensc.conf, tabs and all.
        private const string DebianConf = "app default {\n\t# debug = 3;\n\t# debug_file = opensc-debug.txt;\n\tframework pkcs15 {\n\t\t# use_file_caching = public;\n\t}\n}\n";

        private readonly string dir = Path.Combine(Path.GetTempPath(), "smartcardps-opensc-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public OpenScConfigFileTests() => Directory.CreateDirectory(dir);

        public void Dispose() => Directory.Delete(dir, recursive: true);

        private string Write(string text)
        {
            string path = Path.Combine(dir, "opensc.conf");
            File.WriteAllText(path, text);
            return path;
        }

        [Fact]
        public void AddsTheMissingBlocksInTheFilesIndentationAndKeepsEveryComment()
        {
            var file = OpenScConfigFile.Load(Write(DebianConf));
            Assert.True(file.Set(OpenScConfigFile.PcscPath, "enable_pinpad", "false"));
            Assert.Equal("app default {\n\t# debug = 3;\n\t# debug_file = opensc-debug.txt;\n\tframework pkcs15 {\n\t\t# use_file_caching = public;\n\t}\n" +
                "\treader_driver pcsc {\n\t\tenable_pinpad = false;\n\t}\n}\n", file.Text);
            Assert.False(file.ToConfiguration().EnablePinPad);
        }

        // Issue 19, finding 9: the cmdlet refuses ; " { } # and control characters, and behind that the file itself refuses a
        // value that would read back as something else: here a second setting smuggled in after a ';'.
        [Theory]
        [InlineData("x; debug = 9")]
        [InlineData("x\ndebug = 9")]
        [InlineData("\"a\" b")]
        public void RefusesAValueThatWouldNotReadBackAsWritten(string value)
        {
            string path = Write(DebianConf);
            var file = OpenScConfigFile.Load(path);
            var ex = Assert.Throws<InvalidDataException>(() => file.Set(OpenScConfigFile.AppPath, "debug_file", value));
            Escaping.AssertEscaped(ex.Message);
            Assert.Equal(DebianConf, file.Text);
            file.Save();
            Assert.Equal(DebianConf, File.ReadAllText(path));
        }

        [Fact]
        public void ChangesOnlyTheValueOfAnExistingSetting()
        {
            string text = "# top\napp default {\n  reader_driver pcsc {\n    # why: no pad\n    enable_pinpad = true; # trailing\n    enable_pace = no;\n  }\n}\n";
            var file = OpenScConfigFile.Load(Write(text));
            Assert.True(file.Set(OpenScConfigFile.PcscPath, "enable_pinpad", "false"));
            Assert.Equal(text.Replace("enable_pinpad = true;", "enable_pinpad = false;"), file.Text);
            Assert.False(file.Set(OpenScConfigFile.PcscPath, "enable_pinpad", "false"));
            var c = file.ToConfiguration();
            Assert.False(c.EnablePinPad);
            Assert.True(c.EnablePinPadSet);
            Assert.False(c.EnablePace);
        }

        [Fact]
        public void CreatesAppDefaultInAnEmptyOrMissingFile()
        {
            var file = OpenScConfigFile.Load(Path.Combine(dir, "missing.conf"));
            Assert.False(file.Exists);
            Assert.True(file.ToConfiguration().EnablePinPad);
            file.Set(OpenScConfigFile.AppPath, "debug", "3");
            file.Set(OpenScConfigFile.PcscPath, "enable_pinpad", "false");
            Assert.Equal("app default {\n\tdebug = 3;\n\treader_driver pcsc {\n\t\tenable_pinpad = false;\n\t}\n}\n", file.Text);
        }

        [Fact]
        public void ABlockClosedOnTheSameLineGetsTheSettingBeforeItsBrace()
        {
            var file = OpenScConfigFile.Load(Write("app default { debug = 1; }\n"));
            file.Set(OpenScConfigFile.AppPath, "debug_file", "stderr");
            var c = file.ToConfiguration();
            Assert.Equal(1, c.Debug);
            Assert.Equal("stderr", c.DebugFile);
        }

        [Theory]
        [InlineData("app default {\n  debug = 3;\n", 1, "never closed")]
        [InlineData("app default {\n  debug = 3;\n}\n}\n", 4, "closes no block")]
        [InlineData("app default {\n  reader_driver pcsc {\n    enable_pinpad = false\n  }\n}\n", 3, "missing ';' after 'enable_pinpad = false'")]
        [InlineData("app default {\n  debug = ;\n}\n", 2, "has no value")]
        [InlineData("app default {\n  debug_file = \"x;\n}\n", 2, "never closed")]
        public void RefusesMalformedFilesWithTheLine(string text, int line, string problem)
        {
            string path = Write(text);
            var ex = Assert.Throws<OpenScConfigException>(() => OpenScConfigFile.Load(path));
            Assert.Equal(line, ex.Line);
            Assert.Contains(problem, ex.Message);
            Assert.Contains($"line {line}", ex.Message);
        }

        [Fact]
        public void ControlCharactersInTheFileAreEscapedInTheMessage()
        {
            var ex = Assert.Throws<OpenScConfigException>(() => OpenScConfigFile.Load(Write("app default {\n  debug = \x1b[31m\n}\n")));
            Assert.DoesNotContain("\x1b", ex.Message, StringComparison.Ordinal);
            Assert.Contains("\\x1B", ex.Message);
        }

        [Fact]
        public void BidiAndInvisibleCharactersInTheFileAndItsPathAreEscapedInTheMessage()
        {
            string sub = Path.Combine(dir, "conf\u202E\u200B");
            Directory.CreateDirectory(sub);
            string path = Path.Combine(sub, "opensc.conf");
            File.WriteAllText(path, "app default {\n  debug = 3\u202Egnp.exe\n}\n");
            var ex = Assert.Throws<OpenScConfigException>(() => OpenScConfigFile.Load(path));
            Escaping.AssertEscaped(ex.Message, "3\\u202Egnp.exe", "conf\\u202E\\u200B/opensc.conf");
        }

        [Fact]
        [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
        public void SaveKeepsTheModeAndLeavesNoTemporaryFile()
        {
            string path = Write(DebianConf);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var file = OpenScConfigFile.Load(path);
            file.Set(OpenScConfigFile.PcscPath, "enable_pinpad", "false");
            file.Save();
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(dir));
        }

        // Each start has enable_pinpad somewhere OpenSC does not read it (or nowhere): only the key in app default's
        // reader_driver pcsc block counts, so editing a misplaced one would leave OpenSC's default (on) in force.
        private const string MisplacedAtAppLevel = "app default { enable_pinpad = true; }\n";
        private const string MisplacedInAnotherDriver = "app default {\n  reader_driver openct { enable_pinpad = true; }\n}\n";
        private const string MisplacedInAnotherApp = "app other {\n  reader_driver pcsc { enable_pinpad = true; }\n}\napp default {\n  debug = 0;\n}\n";

        [Theory]
        [InlineData(DebianConf, false, 0)]
        [InlineData(DebianConf, true, 1)]
        [InlineData(MisplacedAtAppLevel, false, 0)]
        [InlineData(MisplacedInAnotherDriver, false, 0)]
        [InlineData(MisplacedInAnotherApp, false, 0)]
        public void OpenScItselfReadsTheEditedSetting(string start, bool enable, int logged)
        {
            string path = Write(start);
            var file = OpenScConfigFile.Load(path);
            file.Set(OpenScConfigFile.AppPath, "debug", "3");
            file.Set(OpenScConfigFile.AppPath, "debug_file", "stderr");
            file.Set(OpenScConfigFile.PcscPath, "enable_pinpad", OpenScConfigFile.FormatBool(enable));
            file.Save();
            Assert.Equal("3", RunOpenScTool(path, "-G app:default:debug").Trim());
            var m = Regex.Match(RunOpenScTool(path, "-l"), @"PC/SC options: .*enable_pinpad=(\d)");
            Assert.True(m.Success, "opensc-tool logged no PC/SC options line");
            Assert.Equal(logged, int.Parse(m.Groups[1].Value));
        }

        private static string RunOpenScTool(string conf, string arguments)
        {
            var psi = new ProcessStartInfo("opensc-tool", arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.Environment["OPENSC_CONF"] = conf;
            using (var p = Process.Start(psi))
            {
                var stderr = p.StandardError.ReadToEndAsync();
                string stdout = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                // -G prints the value on stdout; the debug log goes to stderr.
                return arguments.StartsWith("-G", StringComparison.Ordinal) ? stdout : stdout + stderr.Result;
            }
        }
    }
}
