using System;
using System.IO;
using System.Linq;
using SmartCardPS.OpenSc;
using SmartCardPS.Os;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.P11Kit
{
    /// <summary>
    /// Registers PKCS#11 modules with p11-kit and removes registrations: where a config goes, whether the library
    /// is already registered anywhere, whether it is a working PKCS#11 module, and the atomic write. Every check runs
    /// before anything is written; a refusal or failure is a <see cref="Pkcs11RegistrationException"/>.
    /// </summary>
    public sealed class Pkcs11Registrar
    {
        /// <summary>p11-kit's rule for module names, which are config file names without .module.</summary>
        public const string NameRule = "a letter or digit first, then only letters, digits, '_', '-' and '.'";

        public Pkcs11Registrar(Pkcs11Registry registry) => Registry = registry;

        public Pkcs11Registry Registry { get; }

        /// <summary>System for root, User otherwise: p11-kit reads no user configs for root.</summary>
        public static Pkcs11ConfigScope DefaultScope => UnixFile.IsRoot() ? Pkcs11ConfigScope.System : Pkcs11ConfigScope.User;

        /// <summary>Whether p11-kit would read a config named <paramref name="name"/>.module; such a name never leaves its directory.</summary>
        public static bool IsValidName(string name) => name != null && Pkcs11ConfigParser.ModuleNameOf(name + ".module") == name;

        public string ConfigDirectory(Pkcs11ConfigScope? scope)
        {
            if (Registry.Paths.NotUsedReason != null)
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.NotSupported, Registry.Paths.NotUsedReason + ".", scope);
            if ((scope ?? DefaultScope) == Pkcs11ConfigScope.System) return Registry.Paths.SystemModuleDirectory;
            return Registry.Paths.UserModuleDirectory ?? throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.UserScopeAsRoot,
                "p11-kit reads no user configs for root, whatever HOME says, so -Scope User is refused as root: run the command as that user, or use -Scope System.", scope);
        }

        /// <summary>The config file of module <paramref name="name"/> in a scope's directory (the default scope when null).</summary>
        public string ConfigFileFor(string name, Pkcs11ConfigScope? scope)
        {
            if (!IsValidName(name))
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.InvalidName,
                    $"{UntrustedText.Quote(name)} is not a module name p11-kit reads: {NameRule}.", name);
            return Path.Combine(ConfigDirectory(scope), name + ".module");
        }

        /// <summary>
        /// An exact config path a user gave (<paramref name="given"/> as typed, <paramref name="fullPath"/> made
        /// absolute): refused when it climbs out of a directory with '..', when p11-kit would ignore its file name, or
        /// when that file name would give the module another name than <paramref name="name"/> (when given).
        /// </summary>
        public static string CheckConfigPath(string given, string fullPath, string name = null)
        {
            if (given.Split('/', '\\').Contains(".."))
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.InvalidPath,
                    $"{UntrustedText.Quote(given)} leaves its directory through '..'; name the config file's directory directly.", given);
            string fileName = Path.GetFileName(fullPath);
            if (Pkcs11ConfigParser.ModuleNameOf(fileName) == null)
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.InvalidPath,
                    $"p11-kit ignores {UntrustedText.Quote(fileName)}: it reads only config files named name.module, the name with {NameRule}.", given);
            if (name != null && Pkcs11ConfigParser.ModuleNameOf(fileName) != name)
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.InvalidPath,
                    $"p11-kit names a module after its config file, so the config of module {UntrustedText.Quote(name)} must be {name}.module, not {UntrustedText.Quote(fileName)}.", given);
            return fullPath;
        }

        /// <summary>The config file of a registered module (from Get-Pkcs11Module): it must lie in one of p11-kit's config directories.</summary>
        public string ConfigFileOf(Pkcs11Module module)
        {
            string file = module.ConfigFile;
            if (string.IsNullOrEmpty(file) || Pkcs11ConfigParser.ModuleNameOf(Path.GetFileName(file)) == null || !Registry.IsInConfigDirectory(file))
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.InvalidPath,
                    $"Module {UntrustedText.Quote(module.Name)} names the config file {UntrustedText.Quote(file)}, which is not a module config in p11-kit's config directories; it was left alone.", module);
            return Path.GetFullPath(file);
        }

        /// <summary>The library a user named (see <see cref="Pkcs11RegistryPaths.ResolveLibrary"/>).</summary>
        public string FindLibrary(string value, string fullPath) =>
            Registry.ResolveLibrary(value, fullPath) ?? throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.NotFound,
                Registry.Paths.LibraryNotFoundMessage(value), value);

        /// <summary>OpenSC's PKCS#11 library where the platform installs it.</summary>
        public string FindOpenSc() =>
            OpenScLibrary.Find(Registry.Paths.ModuleDirectory) ?? throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.NotFound,
                OpenScLibrary.NotFoundMessage(Registry.Paths.ModuleDirectory), null);

        /// <summary>
        /// Checks a registration without writing anything: no config registers the library yet and the target file is
        /// free (unless Force), then, with <paramref name="load"/>, the library is loaded and asked C_GetInfo, since a
        /// broken module would break every p11-kit user. The registration check comes first, so a repeated run loads
        /// nothing. Without <paramref name="load"/> (for -WhatIf, which must run no library code) <see cref="Register"/>
        /// loads and asks it before it writes.
        /// </summary>
        public Pkcs11RegistrationPlan Prepare(Pkcs11ModuleRegistration request, bool load = true)
        {
            string library = request.Library, target = request.ConfigFile;
            Pkcs11ConfigCheck.CheckValues(request);
            // A user config p11-kit never reads would look registered to whoever lists it and load nowhere.
            string userDir = Registry.Paths.UserModuleDirectory;
            if (userDir != null && !Registry.UserConfigRead && PathComparison.IsDirectlyIn(target, userDir))
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.UserScopeNotRead,
                    $"p11-kit reads no user configs here ({Registry.UserConfigIgnoredBecause}), so a config in {UntrustedText.Escape(userDir)} would never be loaded; nothing was written. Register it for every user with -Scope System (run elevated: sudo), or remove that setting.", target);
            if (!request.Force)
            {
                Pkcs11Module existing = Registry.FindRegistration(library);
                if (existing != null)
                    throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.AlreadyRegistered,
                        $"{UntrustedText.Quote(library)} is already registered as module {UntrustedText.Quote(existing.Name)} in {UntrustedText.Quote(existing.ConfigFile)}; nothing was changed. Use -Force to write {UntrustedText.Quote(target)} anyway.", existing);
                if (File.Exists(target))
                {
                    existing = Registry.ReadConfig(target, out _) ?? new Pkcs11Module { Name = target, ConfigFile = target };
                    throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.FileExists,
                        $"{UntrustedText.Quote(target)} already exists and registers {UntrustedText.Quote(existing.ModuleSetting)}; nothing was changed. Use -Force to replace it.", existing);
                }
            }
            if (!load) CheckWithoutLoading(library);
            if (!load && request.OpenScOnly && !IsOpenSc(library, null))
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.NotOpenSc,
                    $"Neither the file name nor the SONAME of {UntrustedText.Quote(library)} says it is OpenSC; register other modules with Register-Pkcs11Module.", library);
            Pkcs11LibraryInfo info = load ? Verify(request) : null;
            string setting = ModuleSetting(library);
            string content = Pkcs11ConfigWriter.Render(setting, request.Priority, request.EnableIn, request.DisableIn, request.TrustPolicy, request.Critical);
            Pkcs11ConfigCheck.CheckReadBack(content, setting, request);
            return new Pkcs11RegistrationPlan(request, info, setting, content);
        }

        /// <summary>
        /// Writes a prepared registration atomically and returns the module as p11-kit now sees it; a plan prepared
        /// without loading the library is verified first (loaded, asked C_GetInfo).
        /// </summary>
        public Pkcs11Module Register(Pkcs11RegistrationPlan plan)
        {
            string target = plan.ConfigFile;
            Pkcs11LibraryInfo info = plan.Info ?? Verify(plan.Request);
            Guard(() => Pkcs11ConfigWriter.WriteAtomic(target, plan.Content, force: plan.Request.Force), target, "writing");
            Pkcs11Module module = Pkcs11Registry.Load(Registry.Paths).Modules.FirstOrDefault(m => m.ConfigFile != null && PathComparison.Same(m.ConfigFile, target))
                // Not in effect here (a user config while root, or a -Path outside p11-kit's directories): as written.
                ?? Registry.ReadConfig(target, out string error)
                ?? throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.WriteFailed, $"{UntrustedText.Quote(target)} was written but cannot be read back: {error}", target);
            module.CopyLibraryInfo(info);
            return module;
        }

        /// <summary>
        /// Checks that <paramref name="configFile"/> exists and, with <paramref name="openScOnly"/>, that it registers
        /// OpenSC, so another module's registration is never removed. Returns the config as read.
        /// </summary>
        public Pkcs11Module PrepareRemoval(string configFile, bool openScOnly)
        {
            if (!File.Exists(configFile))
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.NotFound, $"There is no module config {UntrustedText.Quote(configFile)}.", configFile);
            Pkcs11Module config = Registry.ReadConfig(configFile, out string error);
            if (openScOnly && !IsOpenSc(config?.Path, null))
            {
                string setting = config?.ModuleSetting;
                string what = config == null ? "cannot be read (" + error + ")" : string.IsNullOrEmpty(setting) ? "registers no library" : $"registers {UntrustedText.Quote(setting)}, not OpenSC";
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.NotOpenSc, $"{UntrustedText.Quote(configFile)} {what}; it was left alone.", configFile);
            }
            return config ?? new Pkcs11Module { Name = Path.GetFileName(configFile), ConfigFile = configFile };
        }

        public void Unregister(string configFile, bool force = false) => Guard(() => AtomicFile.Delete(configFile, force), configFile, "removing");

        // What can be known of a library without running its code: it exists and exports C_GetFunctionList.
        private static void CheckWithoutLoading(string library)
        {
            if (!File.Exists(library))
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.NotFound, $"There is no library {UntrustedText.Quote(library)}.", library);
            string problem = Pkcs11Export.Problem(library);
            if (problem != null)
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.NotPkcs11, $"{UntrustedText.Quote(library)} {problem}.", library);
        }

        // The library answers C_GetInfo, and is OpenSC when only OpenSC may be registered.
        private static Pkcs11LibraryInfo Verify(Pkcs11ModuleRegistration request)
        {
            Pkcs11LibraryInfo info = Probe(request.Library);
            if (request.OpenScOnly && !IsOpenSc(request.Library, info))
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.NotOpenSc,
                    $"{UntrustedText.Quote(request.Library)} is {UntrustedText.Quote(info.LibraryDescription)} by {UntrustedText.Quote(info.LibraryManufacturer)}, not OpenSC; register other modules with Register-Pkcs11Module.", request.Library);
            return info;
        }

        /// <summary>Loads the library and asks C_GetInfo; anything that is not a working PKCS#11 module is refused.</summary>
        public static Pkcs11LibraryInfo Probe(string library)
        {
            try
            {
                using (var lib = Pkcs11Library.Load(library))
                {
                    return lib.GetInfo();
                }
            }
            catch (Pkcs11ModuleException ex)
            {
                var failure = ex.Kind == Pkcs11FailureKind.NotFound ? Pkcs11RegistrationFailure.NotFound
                    : ex.Kind == Pkcs11FailureKind.Untrusted ? Pkcs11RegistrationFailure.UntrustedLibrary : Pkcs11RegistrationFailure.NotPkcs11;
                throw new Pkcs11RegistrationException(failure, ex.Message, library, ex);
            }
        }

        /// <summary>
        /// OpenSC by file name or by the SONAME in its ELF file when it was renamed, or by what the loaded library said
        /// it is (<paramref name="info"/>, when registering). The library is never loaded to decide: a config may name
        /// any file, and its constructor would run as the caller (root, under sudo).
        /// </summary>
        public static bool IsOpenSc(string library, Pkcs11LibraryInfo info)
        {
            if (library == null) return false;
            if (OpenScLibrary.HasOpenScName(library)) return true;
            if (OpenScLibrary.HasOpenScName(ElfSharedObject.Read(library, out _)?.Soname)) return true;
            return info != null && info.LibraryManufacturer == OpenScLibrary.Manufacturer;
        }

        /// <summary>As in the ArchWiki recipe, a library in p11-kit's module directory is written by file name only.</summary>
        public string ModuleSetting(string library)
        {
            string dir = Registry.Paths.ModuleDirectory;
            string fileName = Path.GetFileName(library);
            return dir != null && PathComparison.Same(Path.Combine(dir, fileName), library) ? fileName : library;
        }

        /// <summary>Permission problems apart from other I/O failures: the first has a remedy (another scope, elevation).</summary>
        private static void Guard(Action write, string file, string doing)
        {
            try
            {
                write();
            }
            catch (UnsafePathException)
            {
                // A refusal to keep root off another user's files: the cmdlet reports its own reason.
                throw;
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.PermissionDenied, $"Permission denied {doing} {UntrustedText.Quote(file)}.", file, ex);
            }
            catch (IOException ex)
            {
                throw new Pkcs11RegistrationException(Pkcs11RegistrationFailure.WriteFailed, $"Failed {doing} {UntrustedText.Quote(file)}: {ex.Message}", file, ex);
            }
        }
    }
}
