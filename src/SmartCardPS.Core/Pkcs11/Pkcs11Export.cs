using SmartCardPS.Os;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// Whether a file is a shared library exporting C_GetFunctionList, read from its ELF file (its PE file on Windows): the library is never
    /// loaded, so none of its code runs (as root under sudo, or under -WhatIf), checking p11-kit-proxy does not start
    /// every p11-kit module, and OpenSC does not wait on readers. Firefox shows a module that fails this as a device
    /// that cannot be loaded.
    /// </summary>
    internal static class Pkcs11Export
    {
        /// <summary>Null when the library exports C_GetFunctionList (or where its format is not read: macOS); else why not.</summary>
        public static string Problem(string library)
        {
            if (RunningOs.IsWindows)
            {
                PeLibrary dll = PeLibrary.Read(library, out string why);
                if (dll == null) return "is not a loadable DLL (it " + why + ")";
                return dll.Exports("C_GetFunctionList") ? null : "does not export C_GetFunctionList, so it is not a PKCS#11 module";
            }
            ElfSharedObject elf = ElfSharedObject.Read(library, out string problem);
            if (elf == null)
                return problem == ElfSharedObject.NotElf && !RunningOs.IsLinux ? null : "is not a loadable shared library (it " + problem + ")";
            return elf.Exports("C_GetFunctionList") ? null : "does not export C_GetFunctionList, so it is not a PKCS#11 module";
        }
    }
}
