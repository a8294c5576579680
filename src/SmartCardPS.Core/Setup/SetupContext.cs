using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using SmartCardPS.Interop;
using SmartCardPS.OpenSc;
using SmartCardPS.P11Kit;
using SmartCardPS.Pcsc;
using SmartCardPS.Pkcs11;
using SmartCardPS.Usb;

namespace SmartCardPS.Setup
{
    /// <summary>
    /// The facts the setup checks share, each gathered once on first use: the PC/SC readers, the p11-kit
    /// registry and what its modules hold, OpenSC's library and configuration, the USB readers.
    /// </summary>
    public sealed class SetupContext
    {
        private readonly Lazy<IReadOnlyList<SmartCardReader>> readers;
        private PcscException pcscError;
        private readonly Lazy<Pkcs11Registry> registry;
        private readonly Lazy<IReadOnlyList<ModuleProbe>> probes;
        private readonly Lazy<OpenScConfigFile> openScConfig;
        private OpenScConfigException openScConfigError;
        private readonly Lazy<IReadOnlyList<SmartCardUsbDevice>> usb;
        private readonly Lazy<PcscdBuild> pcscd = new Lazy<PcscdBuild>(PcscdBuild.Read);
        private PcscdBuild pcscdOverride;

        public SetupContext(SetupOptions options, SetupPlatform platform = null, string root = "/")
        {
            Options = options ?? new SetupOptions();
            Platform = platform ?? SetupPlatform.Detect(root);
            Root = root;
            readers = new Lazy<IReadOnlyList<SmartCardReader>>(ReadReaders);
            registry = new Lazy<Pkcs11Registry>(() => Pkcs11Registry.Load());
            probes = new Lazy<IReadOnlyList<ModuleProbe>>(ProbeModules);
            openScConfig = new Lazy<OpenScConfigFile>(LoadOpenScConfig);
            usb = new Lazy<IReadOnlyList<SmartCardUsbDevice>>(() =>
                UsbDeviceScanner.Scan(Root, CcidSupportedReaders.Load(Root), PcscReaderNames ?? new List<string>()));
        }

        public SetupOptions Options { get; }

        /// <summary>How the installed pcscd was built (polkit or not), or null where there is none to ask; tests may set it.</summary>
        public PcscdBuild Pcscd
        {
            get => pcscdOverride ?? (Platform.Family == PlatformFamily.MacOS || Platform.Family == PlatformFamily.Windows ? null : pcscd.Value);
            internal set => pcscdOverride = value;
        }

        /// <summary>The PC/SC library to ask (the platform's unless a test wraps it).</summary>
        internal IPcscApi PcscApi { get; set; }
        public SetupPlatform Platform { get; }

        /// <summary>The file system root the checks read (/run, /sys, /usr/lib/pcsc); another directory in tests.</summary>
        public string Root { get; }

        /// <summary>The PC/SC readers, or null when the service did not answer (<see cref="PcscError"/> says why).</summary>
        public IReadOnlyList<SmartCardReader> Readers => readers.Value;

        public PcscException PcscError
        {
            get
            {
                _ = readers.Value;
                return pcscError;
            }
        }

        public List<string> PcscReaderNames => Readers?.Select(r => r.Name).ToList();

        public Pkcs11Registry Registry => registry.Value;

        /// <summary>Every module p11-kit would load, loaded once and asked for its tokens.</summary>
        public IReadOnlyList<ModuleProbe> ModuleProbes => probes.Value;

        /// <summary>OpenSC's PKCS#11 library where it is installed, or null.</summary>
        public string OpenScLibraryPath => OpenScLibrary.Find(Registry.Paths.ModuleDirectory);

        /// <summary>opensc.conf as OpenSC reads it, or null when it is malformed (<see cref="OpenScConfigError"/>).</summary>
        public OpenScConfigFile OpenScConfig => openScConfig.Value;

        public OpenScConfigException OpenScConfigError
        {
            get
            {
                _ = openScConfig.Value;
                return openScConfigError;
            }
        }

        public IReadOnlyList<SmartCardUsbDevice> UsbDevices => usb.Value;

        /// <summary>
        /// Held while anything talks to a card or reader: the checks run at once, and OpenSC probing a card in a
        /// transaction would make a reader's feature request fail (a sharing violation read as "no PIN pad").
        /// </summary>
        public object CardAccess { get; } = new object();

        private IReadOnlyList<SmartCardReader> ReadReaders()
        {
            try
            {
                using (var context = PcscContext.Establish(PcscApi ?? PcscPlatform.Api)) return context.GetReaders();
            }
            catch (PcscException ex)
            {
                pcscError = ex;
                return null;
            }
        }

        /// <summary>Each enabled module loaded once, all at once (one slow module, as OpenSC probing a card, does not hold up the others).</summary>
        private IReadOnlyList<ModuleProbe> ProbeModules()
        {
            lock (CardAccess)
            {
                var probing = Registry.EnabledModules
                    .Select(m => Task.Factory.StartNew(() => Probe(m), TaskCreationOptions.LongRunning))
                    .ToList();
                return probing.Select(t => t.GetAwaiter().GetResult()).ToList();
            }
        }

        private static ModuleProbe Probe(Pkcs11Module module)
        {
            var probe = new ModuleProbe { Module = module };
            try
            {
                using (var lib = Pkcs11Library.Load(module.Path, module.Name, module.ConfigFile))
                {
                    probe.Tokens = lib.GetTokens(includeEmptySlots: false);
                }
            }
            catch (Pkcs11ModuleException ex)
            {
                probe.Error = ex;
            }
            return probe;
        }

        private OpenScConfigFile LoadOpenScConfig()
        {
            try
            {
                return OpenScConfigFile.Load();
            }
            catch (OpenScConfigException ex)
            {
                openScConfigError = ex;
                return null;
            }
        }
    }
}
