using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Threading;

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
            new Lazy<AtrDatabase>(() => new AtrDatabase(AtrDatabaseLocations.FindDefault));

        private static readonly ConcurrentDictionary<string, AtrDatabase> ByPath =
            new ConcurrentDictionary<string, AtrDatabase>(StringComparer.Ordinal);

        private readonly Func<string> locate;
        private readonly object gate = new object();
        private volatile Snapshot current;
        private long nextCheck;

        private AtrDatabase(Func<string> locate) => this.locate = locate;

        /// <summary>The file ATR_analysis would read: see <see cref="AtrDatabaseLocations.SearchPaths"/>.</summary>
        public static AtrDatabase Default => DefaultInstance.Value;

        /// <summary>A database on one named file; one instance per full path, shared.</summary>
        public static AtrDatabase FromFile(string path)
        {
            if (string.IsNullOrEmpty(path)) throw new ArgumentException("A database path is required.", nameof(path));
            string full = Path.GetFullPath(path);
            return ByPath.GetOrAdd(full, p => new AtrDatabase(() => p));
        }

        /// <summary>The file in use; null when none exists.</summary>
        public string FilePath => Current().Path;

        public bool IsAvailable => Current().Index != null;

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
            string[] lines = Identify(atr);
            result.Identification = lines;
            result.CardName = lines.Length > 0 ? lines[0] : null;
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
            string path = locate();
            var stamp = Stamp.Of(path);
            var old = current;
            if (old == null || old.Path != path || !old.Stamp.Equals(stamp))
            {
                AtrIndex index = null;
                if (path != null)
                {
                    try
                    {
                        index = AtrIndex.Load(path);
                    }
                    catch (IOException)
                    {
                        path = null;
                    }
                    catch (UnauthorizedAccessException)
                    {
                        path = null;
                    }
                }
                current = new Snapshot(path, stamp, index);
            }
            Volatile.Write(ref nextCheck, Stopwatch.GetTimestamp() + RecheckTicks);
        }

        private sealed class Snapshot
        {
            public Snapshot(string path, Stamp stamp, AtrIndex index)
            {
                Path = path;
                Stamp = stamp;
                Index = index;
            }

            public string Path { get; }
            public Stamp Stamp { get; }
            public AtrIndex Index { get; }
        }

        private readonly struct Stamp : IEquatable<Stamp>
        {
            private readonly long ticks;
            private readonly long length;

            private Stamp(long ticks, long length)
            {
                this.ticks = ticks;
                this.length = length;
            }

            public static Stamp Of(string path)
            {
                if (path == null) return default;
                var info = new FileInfo(path);
                return info.Exists ? new Stamp(info.LastWriteTimeUtc.Ticks, info.Length) : default;
            }

            public bool Equals(Stamp other) => ticks == other.ticks && length == other.length;
        }
    }
}
