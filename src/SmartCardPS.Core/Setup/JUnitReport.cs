using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.Setup
{
    /// <summary>
    /// Test-SmartCardSetup's results as a JUnit XML report, the format CI systems show as test results (GitHub Actions
    /// through a reporter action, GitLab's artifacts:reports:junit, Jenkins, Azure DevOps): one testcase per result; Fail
    /// is a failure, Skip is skipped, Warn passes with a system-out note (CI should not go red for a warning, but the note
    /// must show). The message is the Detail, and the Remedy on a line of its own.
    /// </summary>
    public static class JUnitReport
    {
        public const string SuiteName = "Test-SmartCardSetup";

        /// <summary>Writes the report to <paramref name="path"/> whole or not at all (a CI step never reads half a report).</summary>
        public static void Write(string path, IReadOnlyCollection<SetupCheck> results, DateTime timestamp, TimeSpan elapsed) =>
            AtomicFile.WriteText(path, ToXml(results, timestamp, elapsed), NewFile.UserFile);

        public static string ToXml(IReadOnlyCollection<SetupCheck> results, DateTime timestamp, TimeSpan elapsed)
        {
            int failures = results.Count(r => r.Status == SetupStatus.Fail);
            int skipped = results.Count(r => r.Status == SetupStatus.Skip);
            var settings = new XmlWriterSettings
            {
                Indent = true,
                Encoding = new UTF8Encoding(false),
                // Line breaks in attributes as &#xA;, so the Remedy's own line survives a parser's attribute normalisation.
                NewLineHandling = NewLineHandling.Entitize,
            };
            var text = new Utf8StringWriter();
            using (XmlWriter xml = XmlWriter.Create(text, settings))
            {
                xml.WriteStartDocument();
                xml.WriteStartElement("testsuites");
                WriteCounts(xml, results.Count, failures, skipped, elapsed);
                xml.WriteStartElement("testsuite");
                WriteCounts(xml, results.Count, failures, skipped, elapsed);
                xml.WriteAttributeString("timestamp", timestamp.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
                xml.WriteAttributeString("hostname", Safe(Environment.MachineName));
                foreach (SetupCheck result in results) WriteCase(xml, result);
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
            return text.ToString();
        }

        /// <summary>What a failure or skip carries as its message: the Detail, then "Remedy: ..." on its own line.</summary>
        public static string Message(SetupCheck result) =>
            Safe(result.Remedy == null ? result.Detail ?? "" : $"{result.Detail}\nRemedy: {result.Remedy}");

        private static void WriteCounts(XmlWriter xml, int tests, int failures, int skipped, TimeSpan elapsed)
        {
            xml.WriteAttributeString("name", SuiteName);
            xml.WriteAttributeString("tests", tests.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("failures", failures.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("errors", "0");
            xml.WriteAttributeString("skipped", skipped.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("time", Seconds(elapsed));
        }

        private static void WriteCase(XmlWriter xml, SetupCheck result)
        {
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("name", Safe(result.Name ?? ""));
            xml.WriteAttributeString("classname", SuiteName);
            xml.WriteAttributeString("time", Seconds(result.Elapsed));
            string message = Message(result);
            switch (result.Status)
            {
                case SetupStatus.Fail:
                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("message", message);
                    xml.WriteAttributeString("type", SetupStatus.Fail);
                    xml.WriteString(message);
                    xml.WriteEndElement();
                    break;
                case SetupStatus.Skip:
                    xml.WriteStartElement("skipped");
                    xml.WriteAttributeString("message", message);
                    xml.WriteEndElement();
                    break;
                default:
                    // Pass and Warn pass; the status word leads the note so a reader of the log sees a warning as one.
                    xml.WriteElementString("system-out", $"{Safe(result.Status)}: {message}");
                    break;
            }
            xml.WriteEndElement();
        }

        private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

        /// <summary>
        /// Text XML 1.0 can hold: the checks already escape what they read from tokens and files, but a character XML
        /// forbids (a C0 control, a lone surrogate, U+FFFE) would make the whole report unreadable, so it is escaped as
        /// the messages escape it (\xNN, \uXXXX). The writer escapes &lt;, &amp; and quotes itself.
        /// </summary>
        public static string Safe(string text)
        {
            if (text == null) return null;
            StringBuilder sb = null;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                bool pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
                bool ok = pair || XmlConvert.IsXmlChar(c);
                if (ok && sb == null) { if (pair) i++; continue; }
                if (sb == null) sb = new StringBuilder(text, 0, i, text.Length + 16);
                if (pair) { sb.Append(c).Append(text[++i]); }
                else if (ok) sb.Append(c);
                else sb.Append(UntrustedText.Escape(c.ToString()));
            }
            return sb?.ToString() ?? text;
        }

        private sealed class Utf8StringWriter : StringWriter
        {
            public override Encoding Encoding => new UTF8Encoding(false);
        }
    }
}
