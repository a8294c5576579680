using System;
using System.Collections.Generic;
using System.Threading;

namespace SmartCardPS.TestFixture
{
    /// <summary>
    /// A small ISO/IEC 7816-4 card OS behind the virtual card: SELECT (by AID, by file id, by path from the MF), READ BINARY (offset in
    /// P1-P2, or short EF id), READ BINARY with an offset data object (INS B1, for answers longer than 256 bytes),
    /// GET RESPONSE, and the usual errors. A card whose ATR offers only T=0 answers as a T=0 card does: case 4
    /// commands give 61 XX and their data through GET RESPONSE, and a wrong Le gives 6C XX.
    /// It takes the interindustry classes with logical channels 0-19 and secure-messaging bits, and the proprietary class
    /// 80, for every command; GET RESPONSE is refused (6E 00) unless its class is the one ISO/IEC 7816-4 5.4.1 gives for
    /// the answer waiting: the command's logical channel, no secure messaging, 00 after a proprietary class.
    /// The card's secure messaging is the identity: it checks the class rules only.
    /// The channels share one current file, as the card has no MANAGE CHANNEL.
    /// </summary>
    public sealed class IsoCard
    {
        /// <summary>The test application's AID: F0 is ISO/IEC 7816-5's unregistered (proprietary) category.</summary>
        public static readonly byte[] ApplicationAid = { 0xF0, 0x53, 0x43, 0x50, 0x53, 0x54, 0x45, 0x53, 0x54 };

        /// <summary>EF 0101 under the MF: 32 bytes 00 … 1F.</summary>
        public const int SmallFileId = 0x0101;

        /// <summary>EF 0102 under the MF (short id 2): 600 bytes, byte i = (7 i + 3) mod 256.</summary>
        public const int LargeFileId = 0x0102;

        /// <summary>EF 0201 in the application: "SmartCardPS" and 9000.</summary>
        public const int ApplicationFileId = 0x0201;

        private sealed class Node
        {
            public int Id;
            public int Sfi = -1;
            public byte[] Aid;
            public byte[] Content;
            public Node Parent;
            public List<Node> Children = new List<Node>();
            public bool IsDf => Content == null;
        }

        private readonly Node mf;
        private readonly bool t0;
        private Node currentDf;
        private Node currentEf;
        private byte[] pending = Array.Empty<byte>();
        private byte pendingClass;
        private readonly List<byte> instructions = new List<byte>();

        /// <summary>The INS byte of every command so far, in the order the card saw them.</summary>
        public byte[] Instructions
        {
            get { lock (instructions) return instructions.ToArray(); }
        }

        public IsoCard(byte[] atr)
        {
            t0 = OffersOnlyT0(atr);
            mf = new Node { Id = 0x3F00 };
            Add(mf, new Node { Id = 0x2F00, Sfi = 0x1E, Content = Dir() });
            Add(mf, new Node { Id = SmallFileId, Content = Pattern(32, i => i) });
            Add(mf, new Node { Id = LargeFileId, Content = Pattern(600, i => 7 * i + 3) });
            var app = new Node { Id = 0x5000, Aid = ApplicationAid };
            Add(mf, app);
            Add(app, new Node { Id = ApplicationFileId, Content = System.Text.Encoding.ASCII.GetBytes("SmartCardPS") });
            Reset();
        }

        public static byte[] LargeFileContent => Pattern(600, i => 7 * i + 3);

        /// <summary>True when the card answers as a T=0 card (its ATR offers no other protocol).</summary>
        public bool IsT0 => t0;

        /// <summary>Power on or reset: back to the MF, nothing pending.</summary>
        public void Reset()
        {
            currentDf = mf;
            currentEf = null;
            pending = Array.Empty<byte>();
        }

        public byte[] Process(byte[] apdu)
        {
            if (apdu.Length < 4) return Sw(0x67, 0x00);
            byte cla = apdu[0], ins = apdu[1];
            lock (instructions) instructions.Add(ins);
            bool getResponse = ins == 0xC0;
            // Anything but GET RESPONSE drops an answer nobody fetched; so does a GET RESPONSE of another class.
            byte expectedClass = pendingClass;
            if (!getResponse) pending = Array.Empty<byte>();
            if (cla == 0x80 && ins == 0x5A)
            {
                // Proprietary: answer after P1 x 10 ms, so tests have a command that takes a while.
                Thread.Sleep(apdu[2] * 10);
                return Sw(0x90, 0x00);
            }
            int? getResponseClass = GetResponseClass(cla);
            if (getResponseClass == null) return Sw(0x6E, 0x00);
            if (getResponse && pending.Length > 0 && cla != expectedClass)
            {
                pending = Array.Empty<byte>();
                return Sw(0x6E, 0x00);
            }
            pendingClass = (byte)getResponseClass.Value;
            Parse(apdu, out byte[] data, out int le, out bool hasLe);
            switch (ins)
            {
                case 0xA4: return Select(apdu[2], apdu[3], data, le, hasLe);
                case 0xB0: return ReadBinary(apdu[2], apdu[3], le, hasLe);
                case 0xB1: return ReadBinaryOdd(apdu[2], apdu[3], data, le, hasLe);
                case 0xC0: return GetResponse(le);
                default: return Sw(0x6D, 0x00);
            }
        }

        /// <summary>
        /// The class a GET RESPONSE for an answer to <paramref name="cla"/> must have (ISO/IEC 7816-4 5.4.1), or null for a
        /// class the card does not take (command chaining, RFU, proprietary classes other than 80).
        /// </summary>
        private static int? GetResponseClass(byte cla)
        {
            if (cla == 0x80) return 0x00;
            const int chaining = 0x10;
            if ((cla & chaining) != 0) return null;
            // First interindustry 000x SSCC: channel CC (0-3), secure messaging SS.
            if (cla < 0x20) return cla & 0x03;
            // Further interindustry 01SX CCCC: channel 4 + CCCC, secure messaging S.
            if (cla >= 0x40 && cla < 0x80) return 0x40 | (cla & 0x0F);
            return null;
        }

        private byte[] Select(byte p1, byte p2, byte[] data, int le, bool hasLe)
        {
            Node found;
            switch (p1)
            {
                case 0x00:
                case 0x02:
                    if (data.Length == 0 && p1 == 0x00) { found = mf; break; }
                    if (data.Length != 2) return Sw(0x67, 0x00);
                    int id = (data[0] << 8) | data[1];
                    found = id == 0x3F00 ? mf : currentDf.Children.Find(n => n.Id == id) ?? (currentDf.Parent?.Children.Find(n => n.Id == id && n.IsDf));
                    if (found != null && p1 == 0x02 && found.IsDf) found = null;
                    break;
                case 0x04:
                    found = FindAid(mf, data);
                    break;
                case 0x08:
                    // A path from the MF: file ids, two bytes each, the MF's own left out.
                    if (data.Length == 0 || data.Length % 2 != 0) return Sw(0x6A, 0x80);
                    found = mf;
                    for (int i = 0; i < data.Length && found != null; i += 2)
                    {
                        int fid = (data[i] << 8) | data[i + 1];
                        found = found.IsDf ? found.Children.Find(n => n.Id == fid) : null;
                    }
                    break;
                default:
                    return Sw(0x6A, 0x86);
            }
            if (found == null) return Sw(0x6A, 0x82);
            if (found.IsDf) { currentDf = found; currentEf = null; }
            else { currentEf = found; currentDf = found.Parent; }
            if ((p2 & 0x0C) == 0x0C) return Sw(0x90, 0x00);
            return Answer(Fci(found), le, hasLe, caseFour: data.Length > 0);
        }

        private byte[] ReadBinary(byte p1, byte p2, int le, bool hasLe)
        {
            int offset;
            if ((p1 & 0x80) != 0)
            {
                int sfi = p1 & 0x1F;
                Node ef = currentDf.Children.Find(n => !n.IsDf && (n.Sfi >= 0 ? n.Sfi : n.Id & 0x1F) == sfi);
                if (ef == null) return Sw(0x6A, 0x82);
                currentEf = ef;
                offset = p2;
            }
            else
            {
                if (currentEf == null) return Sw(0x69, 0x86);
                offset = (p1 << 8) | p2;
            }
            return ReadAt(offset, le, hasLe, caseFour: false);
        }

        /// <summary>READ BINARY with an offset data object 54 (ISO/IEC 7816-4 11.2.3): a case 4 command.</summary>
        private byte[] ReadBinaryOdd(byte p1, byte p2, byte[] data, int le, bool hasLe)
        {
            if (p1 != 0 || p2 != 0) return Sw(0x6A, 0x86);
            if (currentEf == null) return Sw(0x69, 0x86);
            if (data.Length < 3 || data[0] != 0x54 || data[1] != data.Length - 2) return Sw(0x6A, 0x80);
            int offset = 0;
            for (int i = 2; i < data.Length; i++) offset = (offset << 8) | data[i];
            return ReadAt(offset, le, hasLe, caseFour: true);
        }

        private byte[] ReadAt(int offset, int le, bool hasLe, bool caseFour)
        {
            byte[] content = currentEf.Content;
            if (offset > content.Length) return Sw(0x6B, 0x00);
            var rest = new byte[content.Length - offset];
            Buffer.BlockCopy(content, offset, rest, 0, rest.Length);
            return Answer(rest, le, hasLe, caseFour);
        }

        /// <summary>
        /// Data for a command that expects some. T=0: case 4 answers 61 XX and waits for GET RESPONSE; case 2 with an
        /// Le the card cannot meet answers 6C XX. T=1: at most Ne bytes, 62 82 when a non-zero Le asked for more.
        /// </summary>
        private byte[] Answer(byte[] available, int le, bool hasLe, bool caseFour)
        {
            if (t0 && caseFour)
            {
                pending = available;
                return pending.Length == 0 ? Sw(0x90, 0x00) : Sw(0x61, (byte)Math.Min(pending.Length, 256));
            }
            int ne = hasLe ? le : 0;
            if (!hasLe) return Sw(0x90, 0x00);
            if (t0 && available.Length < ne) return Sw(0x6C, (byte)available.Length);
            int n = Math.Min(ne, available.Length);
            byte sw1 = 0x90, sw2 = 0x00;
            if (available.Length < ne && le != 256 && le != 65536) { sw1 = 0x62; sw2 = 0x82; }
            return WithSw(available, 0, n, sw1, sw2);
        }

        private byte[] GetResponse(int le)
        {
            if (pending.Length == 0) return Sw(0x69, 0x85);
            int chunk = Math.Min(pending.Length, 256);
            if (le != chunk && !(le == 256 && pending.Length >= 256)) return Sw(0x6C, (byte)chunk);
            var rest = new byte[pending.Length - chunk];
            Buffer.BlockCopy(pending, chunk, rest, 0, rest.Length);
            byte[] answer = WithSw(pending, 0, chunk, rest.Length == 0 ? (byte)0x90 : (byte)0x61, rest.Length == 0 ? (byte)0x00 : (byte)Math.Min(rest.Length, 256));
            pending = rest;
            return answer;
        }

        /// <summary>Lc, data and Le of a short or extended command; Le 0 means 256 (short) or 65536 (extended).</summary>
        private static void Parse(byte[] apdu, out byte[] data, out int le, out bool hasLe)
        {
            data = Array.Empty<byte>();
            le = 0;
            hasLe = false;
            int n = apdu.Length;
            if (n == 4) return;
            if (n == 5) { hasLe = true; le = apdu[4] == 0 ? 256 : apdu[4]; return; }
            if (apdu[4] != 0)
            {
                int lc = apdu[4];
                data = Slice(apdu, 5, Math.Min(lc, n - 5));
                if (n == 6 + lc) { hasLe = true; le = apdu[n - 1] == 0 ? 256 : apdu[n - 1]; }
                return;
            }
            if (n == 7) { hasLe = true; le = Extended(apdu[5], apdu[6]); return; }
            int elc = (apdu[5] << 8) | apdu[6];
            data = Slice(apdu, 7, Math.Min(elc, n - 7));
            if (n == 9 + elc) { hasLe = true; le = Extended(apdu[n - 2], apdu[n - 1]); }
        }

        private static int Extended(byte high, byte low) => ((high << 8) | low) == 0 ? 65536 : (high << 8) | low;

        private static Node FindAid(Node df, byte[] aid)
        {
            foreach (Node child in df.Children)
            {
                if (child.Aid != null && aid.Length >= 5 && aid.Length <= child.Aid.Length && StartsWith(child.Aid, aid)) return child;
                if (child.IsDf && FindAid(child, aid) is Node deeper) return deeper;
            }
            return null;
        }

        private static bool StartsWith(byte[] whole, byte[] prefix)
        {
            for (int i = 0; i < prefix.Length; i++) if (whole[i] != prefix[i]) return false;
            return true;
        }

        private static byte[] Fci(Node node)
        {
            var body = new List<byte>();
            if (node.Aid != null) { body.Add(0x84); body.Add((byte)node.Aid.Length); body.AddRange(node.Aid); }
            else { body.AddRange(new byte[] { 0x83, 0x02, (byte)(node.Id >> 8), (byte)node.Id }); }
            if (!node.IsDf) { body.AddRange(new byte[] { 0x80, 0x02, (byte)(node.Content.Length >> 8), (byte)node.Content.Length, 0x82, 0x01, 0x01 }); }
            else { body.AddRange(new byte[] { 0x82, 0x01, 0x38 }); }
            body.Insert(0, (byte)body.Count);
            body.Insert(0, node.IsDf ? (byte)0x6F : (byte)0x62);
            return body.ToArray();
        }

        private static byte[] Dir()
        {
            // One EF.DIR record: 61 { 4F AID, 50 label }.
            var label = System.Text.Encoding.ASCII.GetBytes("SCPS TEST");
            var rec = new List<byte> { 0x4F, (byte)ApplicationAid.Length };
            rec.AddRange(ApplicationAid);
            rec.Add(0x50); rec.Add((byte)label.Length); rec.AddRange(label);
            rec.Insert(0, (byte)rec.Count);
            rec.Insert(0, 0x61);
            return rec.ToArray();
        }

        /// <summary>T=0 unless TD1 or a later TDi offers another protocol (ISO/IEC 7816-3 8.2.3).</summary>
        private static bool OffersOnlyT0(byte[] atr)
        {
            if (atr.Length < 2) return true;
            int i = 1, y = atr[1] >> 4;
            bool onlyT0 = true;
            while (true)
            {
                int td = -1;
                for (int bit = 0; bit < 4; bit++)
                {
                    if ((y & (1 << bit)) == 0) continue;
                    i++;
                    if (i >= atr.Length) return onlyT0;
                    if (bit == 3) td = atr[i];
                }
                if (td < 0) return onlyT0;
                if ((td & 0x0F) != 0) onlyT0 = false;
                y = td >> 4;
            }
        }

        private static void Add(Node parent, Node child)
        {
            child.Parent = parent;
            parent.Children.Add(child);
        }

        private static byte[] Pattern(int length, Func<int, int> at)
        {
            var b = new byte[length];
            for (int i = 0; i < length; i++) b[i] = (byte)at(i);
            return b;
        }

        private static byte[] Slice(byte[] source, int offset, int count)
        {
            var b = new byte[Math.Max(0, count)];
            Buffer.BlockCopy(source, offset, b, 0, b.Length);
            return b;
        }

        private static byte[] WithSw(byte[] data, int offset, int count, byte sw1, byte sw2)
        {
            var b = new byte[count + 2];
            Buffer.BlockCopy(data, offset, b, 0, count);
            b[count] = sw1;
            b[count + 1] = sw2;
            return b;
        }

        private static byte[] Sw(byte sw1, byte sw2) => new[] { sw1, sw2 };
    }
}
