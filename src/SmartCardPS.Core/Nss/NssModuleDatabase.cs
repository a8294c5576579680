using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.Nss
{
    /// <summary>
    /// NSS's module database (pkcs11.txt in an sql: database, what modutil edits) and the rules for adding and
    /// removing its PKCS#11 modules: a library is registered once, names are matched exactly (NSS itself deletes by
    /// name prefix), and the file is replaced atomically. Named apart from the cmdlets' -NssDatabase parameter.
    /// </summary>
    public static class NssModuleDatabase
    {
        /// <summary>
        /// NSS creates pkcs11.txt readable by its owner only (0600); an admin writing into a user's profile leaves
        /// the new file the user's.
        /// </summary>
        private static readonly NewFile ModuleFile = new NewFile { Mode = 0x180, OwnerFromDirectory = true };

        /// <summary>
        /// How to create an empty NSS database in <paramref name="directory"/>: certutil -N alone fails with
        /// SEC_ERROR_BAD_DATABASE until the directory exists. One command to paste into PowerShell or a POSIX shell when
        /// both read its quotes alike; a directory holding a single quote, which the two quote differently, gets one line
        /// for each shell.
        /// </summary>
        public static string CreateAdvice(string directory)
        {
            string powerShell = CreateCommand(directory, posixShell: false), sh = CreateCommand(directory, posixShell: true);
            return "Create an NSS database with:" + (powerShell == sh ? " " + sh : $"\n  PowerShell: {powerShell}\n  sh: {sh}");
        }

        /// <summary>The command that creates an empty NSS database in <paramref name="directory"/>, quoted for sh (bash,
        /// zsh) or for PowerShell.</summary>
        public static string CreateCommand(string directory, bool posixShell)
        {
            string dir = posixShell ? UntrustedText.ShellArgument(directory) : UntrustedText.Argument(directory);
            return $"mkdir -p {dir} && certutil -N --empty-password -d sql:{dir}";
        }

        /// <summary>The shared NSS database Chromium and other NSS programs read: ~/.pki/nssdb, else
        /// $XDG_DATA_HOME/pki/nssdb.</summary>
        public static string SharedDatabase()
        {
            string home = FirefoxProfiles.Home();
            string legacy = Path.Combine(home, ".pki", "nssdb");
            if (System.IO.Directory.Exists(legacy)) return legacy;
            string data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (string.IsNullOrEmpty(data) || !Path.IsPathRooted(data)) data = Path.Combine(home, ".local", "share");
            return Path.Combine(data, "pki", "nssdb");
        }

        /// <summary>A database argument as a directory: an optional sql: prefix is dropped (dbm: is refused).</summary>
        public static string DirectoryOf(string database)
        {
            if (database.StartsWith("sql:", StringComparison.OrdinalIgnoreCase)) return database.Substring(4);
            if (database.StartsWith("dbm:", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"{UntrustedText.Quote(database)} names a legacy dbm: database; NSS reads its modules from secmod.db, which is not supported. Use a sql: database.");
            return database;
        }

        /// <summary>The module of <paramref name="file"/> that loads the same library (symlinks resolved), or null.</summary>
        public static NssModule FindLibrary(NssModuleFile file, string library)
        {
            string wanted = Canonical(library);
            return file.Modules.FirstOrDefault(m => !string.IsNullOrEmpty(m.Library) && PathComparison.Comparer.Equals(Canonical(m.Library), wanted));
        }

        /// <summary>The modules named exactly <paramref name="name"/>.</summary>
        public static List<NssModule> FindName(NssModuleFile file, string name) =>
            file.Modules.Where(m => string.Equals(m.Name, name, StringComparison.Ordinal)).ToList();

        /// <summary>
        /// Appends a module to DIR/pkcs11.txt (creating the file). The file is read again under its lock, so a module
        /// another writer added meanwhile is kept; when that writer added the same library, its module is returned and
        /// nothing is written. <paramref name="force"/> is the cmdlet's -Force (see <see cref="NewFile.Force"/>).
        /// </summary>
        public static NssModule Add(string directory, string name, string library, bool force = false)
        {
            string problem = NssModuleFile.Problem("name", name) ?? NssModuleFile.Problem("library", library);
            if (problem != null) throw new ArgumentException("The module " + (NssModuleFile.Problem("name", name) != null ? "name " : "library ") + problem + ".");
            NssModule added = null;
            AtomicFile.Update(Path.Combine(directory, NssModuleFile.FileName), ModuleFile.WithForce(force), old =>
            {
                NssModuleFile file = NssModuleFile.FromContent(directory, old);
                added = FindLibrary(file, library);
                if (added != null) return null;
                NssModule other = FindName(file, name).FirstOrDefault();
                if (other != null)
                    throw new InvalidOperationException($"{UntrustedText.Quote(directory)} already has a module named {UntrustedText.Quote(name)} for {UntrustedText.Quote(other.Library)}; nothing was changed.");
                byte[] content = file.With(name, library);
                // Belt and braces: the new file must read back, as NSS reads it, with exactly this module added.
                added = NssModuleFile.FromContent(directory, content).Modules.LastOrDefault(m => m.Name == name && m.Library == library)
                    ?? throw new InvalidDataException($"The module {UntrustedText.Quote(name)} ({UntrustedText.Quote(library)}) would not read back from pkcs11.txt as written; nothing was changed.");
                return content;
            });
            return added;
        }

        /// <summary>Removes every stanza named exactly <paramref name="name"/> under the file's lock; returns how many there were.</summary>
        public static int Remove(string directory, string name, bool force = false)
        {
            int removed = 0;
            AtomicFile.Update(Path.Combine(directory, NssModuleFile.FileName), ModuleFile.WithForce(force), old =>
            {
                if (old == null) return null;
                byte[] content = NssModuleFile.FromContent(directory, old).Without(name, out removed);
                return removed > 0 ? content : null;
            });
            return removed;
        }

        /// <summary>A bare file name is found by dlopen's search, so it is compared as written.</summary>
        private static string Canonical(string library) =>
            library.IndexOfAny(new[] { '/', '\\' }) < 0 ? library : PathComparison.Canonical(library);
    }
}
