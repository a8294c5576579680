using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// What an ELF shared library says about itself (its SONAME, the symbols it exports), read from the file:
    /// loading a library runs its constructors, so whether it is OpenSC's or a PKCS#11 module is decided here
    /// instead, and as the user who may have written it that code never runs as root.
    /// </summary>
    internal sealed class ElfSharedObject
    {
        private const int SectionDynamic = 6, SectionDynamicSymbols = 11;
        private const long TagSoname = 14;
        private const long MaxSection = 64L * 1024 * 1024;

        /// <summary>The problem <see cref="Read"/> gives for a file without the ELF magic (a Mach-O or PE library elsewhere).</summary>
        public const string NotElf = "is not an ELF file";

        private readonly bool is64, bigEndian;
        private readonly byte[] symbols, symbolNames;

        private ElfSharedObject(bool is64, bool bigEndian, byte[] symbols, byte[] symbolNames, string soname)
        {
            this.is64 = is64;
            this.bigEndian = bigEndian;
            this.symbols = symbols;
            this.symbolNames = symbolNames;
            Soname = soname;
        }

        /// <summary>DT_SONAME, or null when the library has none.</summary>
        public string Soname { get; }

        /// <summary>
        /// The library at <paramref name="path"/>, or null with <paramref name="problem"/> saying why it is not a
        /// shared library this process could load (not ELF, another class or machine, not ET_DYN, unreadable).
        /// </summary>
        public static ElfSharedObject Read(string path, out string problem)
        {
            byte[] header = new byte[64];
            FileStream file = null;
            try
            {
                // Only a regular file is opened: opening a FIFO would block, and a device has no end.
                if (!File.Exists(path) || new FileInfo(path).Length == 0) { problem = "is missing, empty or not a regular file"; return null; }
                file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
                if (file.Read(header, 0, header.Length) < 52 || header[0] != 0x7F || header[1] != 'E' || header[2] != 'L' || header[3] != 'F')
                {
                    problem = NotElf;
                    return null;
                }
                bool is64 = header[4] == 2, big = header[5] == 2;
                if (is64 != (IntPtr.Size == 8)) { problem = $"is a {(is64 ? 64 : 32)}-bit library and this process is {IntPtr.Size * 8}-bit"; return null; }
                var elf = new ElfSharedObject(is64, big, null, null, null);
                int type = (int)elf.Unsigned(header, 16, 2), machine = (int)elf.Unsigned(header, 18, 2);
                if (type != 3) { problem = $"is not a shared library (ELF type {type})"; return null; }
                int expected = ExpectedMachine();
                if (expected != 0 && machine != expected) { problem = $"is built for another machine (ELF machine {machine}, this one is {expected})"; return null; }
                return elf.ReadSections(file, header, out problem);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException)
            {
                problem = "cannot be read: " + ex.Message;
                return null;
            }
            finally
            {
                file?.Dispose();
            }
        }

        private ElfSharedObject ReadSections(FileStream file, byte[] header, out string problem)
        {
            long shoff = (long)Unsigned(header, is64 ? 0x28 : 0x20, is64 ? 8 : 4);
            int shentsize = (int)Unsigned(header, is64 ? 0x3A : 0x2E, 2), shnum = (int)Unsigned(header, is64 ? 0x3C : 0x30, 2);
            if (shoff == 0 || shnum == 0 || shentsize < (is64 ? 64 : 40))
            {
                problem = "has no section headers to read its exports from";
                return null;
            }
            byte[] sections = Slice(file, shoff, (long)shentsize * shnum);
            byte[] symbolTable = null, symbolNames = null, dynamic = null, dynamicNames = null;
            for (int i = 0; i < shnum; i++)
            {
                int at = i * shentsize;
                long kind = Unsigned(sections, at + 4, 4);
                if (kind != SectionDynamic && kind != SectionDynamicSymbols) continue;
                byte[] content = Section(file, sections, at);
                int link = (int)Unsigned(sections, at + (is64 ? 40 : 24), 4);
                byte[] names = link < shnum ? Section(file, sections, link * shentsize) : Array.Empty<byte>();
                if (kind == SectionDynamic) { dynamic = content; dynamicNames = names; }
                else { symbolTable = content; symbolNames = names; }
            }
            problem = null;
            return new ElfSharedObject(is64, bigEndian, symbolTable ?? Array.Empty<byte>(), symbolNames ?? Array.Empty<byte>(), ReadSoname(dynamic, dynamicNames));
        }

        private byte[] Section(FileStream file, byte[] sections, int at) =>
            Slice(file, (long)Unsigned(sections, at + (is64 ? 24 : 16), is64 ? 8 : 4), (long)Unsigned(sections, at + (is64 ? 32 : 20), is64 ? 8 : 4));

        private static byte[] Slice(FileStream file, long offset, long length)
        {
            if (offset < 0 || length < 0 || length > MaxSection || offset + length > file.Length) throw new InvalidDataExceptionAsIo("a section lies outside the file");
            var buffer = new byte[length];
            file.Position = offset;
            int read = 0;
            while (read < length)
            {
                int n = file.Read(buffer, read, (int)length - read);
                if (n == 0) throw new InvalidDataExceptionAsIo("the file ends inside a section");
                read += n;
            }
            return buffer;
        }

        private string ReadSoname(byte[] dynamic, byte[] names)
        {
            if (dynamic == null) return null;
            int size = is64 ? 16 : 8;
            for (int at = 0; at + size <= dynamic.Length; at += size)
            {
                long tag = (long)Unsigned(dynamic, at, size / 2);
                if (tag == 0) break;
                if (tag == TagSoname) return Name(names, (long)Unsigned(dynamic, at + size / 2, size / 2));
            }
            return null;
        }

        /// <summary>Whether a defined, global or weak, visible symbol of this name is exported (what dlsym would find).</summary>
        public bool Exports(string symbol)
        {
            int size = is64 ? 24 : 16;
            for (int at = 0; at + size <= symbols.Length; at += size)
            {
                int info = symbols[at + (is64 ? 4 : 12)], other = symbols[at + (is64 ? 5 : 13)];
                long section = Unsigned(symbols, at + (is64 ? 6 : 14), 2);
                int binding = info >> 4, visibility = other & 3;
                if (section == 0 || (binding != 1 && binding != 2 && binding != 10) || (visibility != 0 && visibility != 3)) continue;
                if (Name(symbolNames, Unsigned(symbols, at, 4)) == symbol) return true;
            }
            return false;
        }

        private static string Name(byte[] names, long offset)
        {
            if (offset < 0 || offset >= names.Length) return null;
            int end = Array.IndexOf(names, (byte)0, (int)offset);
            if (end < 0) end = names.Length;
            return Encoding.UTF8.GetString(names, (int)offset, end - (int)offset);
        }

        private long Unsigned(byte[] buffer, int at, int size)
        {
            if (at < 0 || at + size > buffer.Length) throw new InvalidDataExceptionAsIo("a header lies outside the file");
            ulong value = 0;
            for (int i = 0; i < size; i++)
            {
                int b = bigEndian ? at + i : at + size - 1 - i;
                value = (value << 8) | buffer[b];
            }
            return value > long.MaxValue ? -1 : (long)value;
        }

        private static int ExpectedMachine()
        {
            switch (RuntimeInformation.ProcessArchitecture)
            {
                case Architecture.X64: return 62;
                case Architecture.Arm64: return 183;
                case Architecture.X86: return 3;
                case Architecture.Arm: return 40;
                default: return 0;
            }
        }

        /// <summary>A malformed file, reported like any other unreadable one.</summary>
        private sealed class InvalidDataExceptionAsIo : IOException
        {
            public InvalidDataExceptionAsIo(string message) : base(message) { }
        }
    }
}
