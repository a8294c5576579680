using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// The names a Windows DLL exports, read from its PE file (the export directory), as <see cref="ElfSharedObject"/>
    /// reads an ELF file: loading a DLL runs its DllMain, so whether it is a PKCS#11 module is decided without that.
    /// </summary>
    internal sealed class PeLibrary
    {
        private const int MaxNames = 65536;
        private readonly HashSet<string> exports;

        private PeLibrary(HashSet<string> exports) => this.exports = exports;

        public bool Exports(string name) => exports.Contains(name);

        /// <summary>
        /// The DLL at <paramref name="path"/>, or null with <paramref name="problem"/> saying why it is not one this
        /// process could load (not a PE file, not a DLL, another machine, unreadable).
        /// </summary>
        public static PeLibrary Read(string path, out string problem)
        {
            try
            {
                using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                using (var reader = new BinaryReader(file))
                {
                    return Read(file, reader, out problem);
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                problem = "cannot be read: " + e.Message;
                return null;
            }
        }

        private static PeLibrary Read(FileStream file, BinaryReader reader, out string problem)
        {
            problem = "is not a PE file (no MZ and PE headers)";
            if (file.Length < 0x40 || reader.ReadUInt16() != 0x5A4D) return null;
            file.Position = 0x3C;
            long pe = reader.ReadUInt32();
            if (pe + 24 > file.Length) return null;
            file.Position = pe;
            if (reader.ReadUInt32() != 0x00004550) return null;
            ushort machine = reader.ReadUInt16();
            ushort sectionCount = reader.ReadUInt16();
            file.Position += 12;
            ushort optionalSize = reader.ReadUInt16();
            ushort characteristics = reader.ReadUInt16();
            if ((characteristics & 0x2000) == 0) { problem = "is a program, not a DLL"; return null; }
            ushort expected = MachineOf(RuntimeInformation.ProcessArchitecture);
            if (machine != expected) { problem = $"is built for another machine (PE machine 0x{machine:X4}, this process needs 0x{expected:X4})"; return null; }
            long optional = pe + 24;
            ushort magic = reader.ReadUInt16();
            // The data directories follow the fixed fields: 96 bytes in PE32, 112 in PE32+; the export table is the first.
            long directories = optional + (magic == 0x20B ? 112 : 96);
            problem = "has a damaged PE header";
            if (directories + 8 > optional + optionalSize || directories + 8 > file.Length) return null;
            file.Position = directories;
            uint exportRva = reader.ReadUInt32();
            var names = new HashSet<string>(StringComparer.Ordinal);
            problem = null;
            if (exportRva == 0) return new PeLibrary(names);

            var sections = new List<(uint Va, uint Size, uint Raw)>();
            file.Position = optional + optionalSize;
            for (int i = 0; i < sectionCount && file.Position + 40 <= file.Length; i++)
            {
                file.Position += 8;
                uint virtualSize = reader.ReadUInt32(), va = reader.ReadUInt32(), rawSize = reader.ReadUInt32(), raw = reader.ReadUInt32();
                file.Position += 16;
                sections.Add((va, Math.Max(virtualSize, rawSize), raw));
            }
            long Offset(uint rva)
            {
                foreach (var s in sections) if (rva >= s.Va && rva < s.Va + s.Size) return rva - s.Va + s.Raw;
                return -1;
            }

            long exports = Offset(exportRva);
            if (exports < 0 || exports + 40 > file.Length) { problem = "has a damaged export table"; return null; }
            file.Position = exports + 24;
            uint nameCount = Math.Min(reader.ReadUInt32(), MaxNames);
            file.Position = exports + 32;
            long nameTable = Offset(reader.ReadUInt32());
            if (nameCount > 0 && (nameTable < 0 || nameTable + 4L * nameCount > file.Length)) { problem = "has a damaged export table"; return null; }
            for (uint i = 0; i < nameCount; i++)
            {
                file.Position = nameTable + 4L * i;
                long name = Offset(reader.ReadUInt32());
                if (name < 0 || name >= file.Length) continue;
                file.Position = name;
                names.Add(ReadName(reader, file.Length - name));
            }
            return new PeLibrary(names);
        }

        private static string ReadName(BinaryReader reader, long available)
        {
            var bytes = new List<byte>();
            for (long i = 0; i < Math.Min(available, 1024); i++)
            {
                byte b = reader.ReadByte();
                if (b == 0) break;
                bytes.Add(b);
            }
            return Encoding.ASCII.GetString(bytes.ToArray());
        }

        private static ushort MachineOf(Architecture architecture)
        {
            switch (architecture)
            {
                case Architecture.X86: return 0x014C;
                case Architecture.Arm: return 0x01C4;
                case Architecture.Arm64: return 0xAA64;
                default: return 0x8664;
            }
        }
    }
}
