using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmartCardPS.Text;

namespace SmartCardPS.Atr
{
    /// <summary>
    /// pcsc-tools' smartcard_list.txt, loaded and indexed once and reloaded when the file changes (or when a file
    /// appears earlier in the search order). Thread-safe: lookups read an immutable snapshot.
    /// </summary>
    public sealed class AtrDatabase
    {
        /// <summary>How long a lookup trusts the last look at the file before checking it again.</summary>
        private static readonly long RecheckTicks = Stopwatch.Frequency;

        private static readonly Lazy<AtrDatabase> DefaultInstance =
            new Lazy<AtrDatabase>(() => new AtrDatabase(() => AtrDatabaseLocations.SearchPaths));

        private static readonly ConcurrentDictionary<string, AtrDatabase> ByPath =
            new ConcurrentDictionary<string, AtrDatabase>(StringComparer.Ordinal);

        private readonly Func<IReadOnlyList<string>> locate;
        private readonly object gate = new object();
        private volatile Snapshot current;
        private long nextCheck;

        private AtrDatabase(Func<IReadOnlyList<string>> locate) => this.locate = locate;

        /// <summary>The file ATR_analysis would read: see <see cref="AtrDatabaseLocations.SearchPaths"/>.</summary>
        public static AtrDatabase Default => DefaultInstance.Value;

        /// <summary>A database on one named file; one instance per full path, shared.</summary>
        public static AtrDatabase FromFile(string path)
        {
            if (string.IsNullOrEmpty(path)) throw new ArgumentException("A database path is required.", nameof(path));
            string full = Path.GetFullPath(path);
            return ByPath.GetOrAdd(full, p => new AtrDatabase(() => new[] { p }));
        }

        /// <summary>The file in use; null when none exists.</summary>
        public string FilePath => Current().Path;

        public bool IsAvailable => Current().Index != null;

        /// <summary>
        /// What is wrong with the files looked at before the one in use (or instead of one): empty, a directory,
        /// no ATR entries, unreadable. Each is a sentence naming the file; such files are skipped, as ATR_analysis
        /// goes on to its next location.
        /// </summary>
        public IReadOnlyList<string> Problems => Current().Problems;

        /// <summary>Number of ATR patterns loaded.</summary>
        public int PatternCount => Current().Index?.Count ?? 0;

        /// <summary>Every description line of every entry whose pattern matches the whole ATR, in file order.</summary>
        public string[] Identify(byte[] atr) => Current().Index?.Identify(atr) ?? Array.Empty<string>();

        /// <summary>The card's name: the first matching description line, or null.</summary>
        public string CardNameOf(byte[] atr)
        {
            var lines = Identify(atr);
            return lines.Length > 0 ? lines[0] : null;
        }

        /// <summary>
        /// Decodes the ATR (<see cref="AtrParser.Parse(byte[])"/>) and adds what this database knows of the card. An
        /// answer that is not an ATR (TS wrong) still throws, naming the card when the file knows it: memory cards answer so.
        /// </summary>
        public AnswerToReset Decode(byte[] atr)
        {
            AnswerToReset result;
            try
            {
                result = AtrParser.Parse(atr);
            }
            catch (AtrParseException ex) when (ex.Reason == AtrParseReason.InvalidTS)
            {
                string name = CardNameOf(atr);
                if (name == null) throw;
                throw ex.Naming(name);
            }
            var matches = Current().Index?.Match(atr, result.atr);
            if (matches == null || matches.Count == 0) return result;
            var identification = new AtrIdentification[matches.Count];
            for (int i = 0; i < identification.Length; i++)
            {
                identification[i] = new AtrIdentification(matches[i].Text, (string[])matches[i].Descriptions.Clone());
            }
            result.identification = identification;
            result.cardName = matches[0].Descriptions[0];
            return result;
        }

        /// <summary>Looks at the file now and reloads it if it changed; lookups otherwise look at most once a second.</summary>
        public void Refresh()
        {
            lock (gate)
            {
                Reload();
            }
        }

        /// <summary>
        /// <see cref="Refresh"/> for a caller about to decode: the first time, the file is read and indexed on a
        /// thread-pool thread while the caller parses its first ATRs (lookups wait for it); once loaded, this is
        /// <see cref="Refresh"/>. The task completes when the file is loaded.
        /// </summary>
        public Task RefreshAsync()
        {
            if (current == null) return Task.Run(() => Refresh());
            Refresh();
            return Task.CompletedTask;
        }

        private Snapshot Current()
        {
            var snapshot = current;
            if (snapshot != null && Stopwatch.GetTimestamp() < Volatile.Read(ref nextCheck)) return snapshot;
            lock (gate)
            {
                if (current == null || Stopwatch.GetTimestamp() >= nextCheck) Reload();
                return current;
            }
        }

        private void Reload()
        {
            IReadOnlyList<string> candidates = locate();
            string signature = Signature(candidates);
            var old = current;
            if (old == null || old.Signature != signature)
            {
                var problems = new List<string>();
                string path = null;
                AtrIndex index = null;
                foreach (string candidate in candidates)
                {
                    index = TryLoad(candidate, problems);
                    if (index == null) continue;
                    path = candidate;
                    break;
                }
                current = new Snapshot(path, signature, index, problems);
            }
            Volatile.Write(ref nextCheck, Stopwatch.GetTimestamp() + RecheckTicks);
        }

        /// <summary>The file's index, or null: missing (silently), or with the reason added to <paramref name="problems"/>.</summary>
        private static AtrIndex TryLoad(string path, List<string> problems)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    problems.Add($"The ATR database {UntrustedText.Quote(path)} is a directory, not a smartcard_list.txt; it is skipped.");
                    return null;
                }
                var info = new FileInfo(path);
                if (!info.Exists) return null;
                if (info.Length == 0)
                {
                    problems.Add($"The ATR database {UntrustedText.Quote(path)} is empty (ATR_analysis leaves an empty file when its download fails); it is skipped. Delete it, or run ATR_analysis -u to download the list again.");
                    return null;
                }
                var index = AtrIndex.Load(path);
                if (index.Count > 0) return index;
                problems.Add($"The ATR database {UntrustedText.Quote(path)} has no ATR entries (an ATR line followed by tab-indented names), so it is not a smartcard_list.txt; it is skipped.");
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                problems.Add($"The ATR database {UntrustedText.Quote(path)} cannot be read ({ex.Message}); it is skipped.");
            }
            return null;
        }

        /// <summary>Changes when any candidate appears, disappears or changes, so the next lookup reloads.</summary>
        private static string Signature(IReadOnlyList<string> candidates)
        {
            var text = new StringBuilder();
            foreach (string path in candidates)
            {
                var info = new FileInfo(path);
                text.Append(path).Append('|');
                if (info.Exists) text.Append(info.LastWriteTimeUtc.Ticks).Append('|').Append(info.Length);
                else if (Directory.Exists(path)) text.Append('d');
                text.Append('\n');
            }
            return text.ToString();
        }

        private sealed class Snapshot
        {
            public Snapshot(string path, string signature, AtrIndex index, IReadOnlyList<string> problems)
            {
                Path = path;
                Signature = signature;
                Index = index;
                Problems = problems;
            }

            public string Path { get; }
            public string Signature { get; }
            public AtrIndex Index { get; }
            public IReadOnlyList<string> Problems { get; }
        }
    }
}
