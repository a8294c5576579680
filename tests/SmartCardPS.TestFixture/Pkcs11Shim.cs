using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;

namespace SmartCardPS.TestFixture
{
    /// <summary>
    /// A real PKCS#11 module, compiled with gcc from native/pkcs11-shim.c, that forwards to another module and
    /// fails or stalls on demand: tokens labelled Broken* fail C_GetTokenInfo, NoMech* fail C_GetMechanismList,
    /// Block() makes C_GetSlotList wait, AddTokenFlags() adds CK_TOKEN_INFO flags (PIN states), PinPad() plays a
    /// reader's PIN pad, HideMechanisms() and FailGenerateKeyPair() make a token that lacks a mechanism or is full,
    /// and a no-locking build refuses CKF_OS_LOCKING_OK and records calls that overlap. Each shim is its own library
    /// file, so its state is its own even in a shared process.
    /// </summary>
    public sealed class Pkcs11Shim : IDisposable
    {
        private Pkcs11Shim(string directory)
        {
            Directory = directory;
            ControlDirectory = Path.Combine(directory, "control");
            System.IO.Directory.CreateDirectory(ControlDirectory);
        }

        public string Directory { get; }
        public string ControlDirectory { get; }
        public string LibraryPath => Path.Combine(Directory, "libpkcs11-shim.so");

        /// <summary>Why no shim can be built here, or null.</summary>
        public static string Unavailable() =>
            File.Exists("/usr/bin/gcc") ? null : "gcc is not installed (apt-get install gcc)";

        public static Pkcs11Shim Build(string target, bool noLocking = false)
        {
            string why = Unavailable();
            if (why != null) throw new InvalidOperationException("The PKCS#11 shim cannot be built: " + why);
            var shim = new Pkcs11Shim(Path.Combine(Path.GetTempPath(), "smartcardps-shim-" + Guid.NewGuid().ToString("N").Substring(0, 8)));
            string source = Path.Combine(shim.Directory, "pkcs11-shim.c");
            using (var stream = typeof(Pkcs11Shim).Assembly.GetManifestResourceStream("SmartCardPS.TestFixture.pkcs11-shim.c"))
            using (var file = File.Create(source))
            {
                stream.CopyTo(file);
            }
            string defines = $"-DTARGET='\"{target}\"' -DCONTROL='\"{shim.ControlDirectory}\"'" + (noLocking ? " -DNOLOCK" : string.Empty);
            SoftHsmFixture.Run("/bin/sh", "-c", $"gcc -shared -fPIC -O1 -o '{shim.LibraryPath}' {defines} '{source}' -ldl");
            // The test user writes only the control files; a library others could write is never loaded by root.
            SoftHsmFixture.Run("/bin/chmod", "-R", "a+rX", shim.Directory);
            SoftHsmFixture.Run("/bin/chmod", "-R", "a+rwX", shim.ControlDirectory);
            return shim;
        }

        /// <summary>From now on C_GetSlotList waits until Unblock; Entered says a call is waiting.</summary>
        public void Block() => File.WriteAllText(Control("block"), string.Empty);

        /// <summary>The same for one session call, by name ("FindObjectsInit"); it waits inside the module.</summary>
        public void Block(string sessionCall) => File.WriteAllText(Control("block-" + sessionCall), string.Empty);

        public void Unblock()
        {
            foreach (string flag in System.IO.Directory.GetFiles(ControlDirectory, "block*")) File.Delete(flag);
        }

        /// <summary>
        /// From now on every token this shim shows has these CK_TOKEN_INFO flags too (ORed into the module's own), as a
        /// card with a PIN on its final try or due for a change reports them; 0 stops it.
        /// </summary>
        public void AddTokenFlags(ulong flags)
        {
            if (flags == 0) File.Delete(Control("token-flags"));
            else File.WriteAllText(Control("token-flags"), "0x" + flags.ToString("x"));
        }

        /// <summary>
        /// From now on the write call <paramref name="call"/> (InitToken, InitPIN, SetPIN, CreateObject, DestroyObject,
        /// SetAttributeValue) answers <paramref name="rv"/> without reaching the module, as a module lacking it does
        /// (0x54 is CKR_FUNCTION_NOT_SUPPORTED); null stops it. GetAttributeValue fails the same way (not logged): a
        /// module that stores an object and cannot read it back.
        /// </summary>
        public void Fail(string call, ulong? rv)
        {
            if (rv == null) File.Delete(Control("fail-" + call));
            else File.WriteAllText(Control("fail-" + call), "0x" + rv.Value.ToString("x"));
        }

        /// <summary>
        /// A reader's PIN pad: from now on C_Login, C_InitPIN and C_SetPIN given a NULL PIN of length 0 (what a caller
        /// passes to have the pad ask) take the next of <paramref name="typed"/> as the PIN typed on the pad, and log
        /// "pinpad Login" (see PinPadCalls); none stops it (a NULL PIN then reaches the module as it came).
        /// </summary>
        public void PinPad(params string[] typed)
        {
            if (typed.Length == 0) File.Delete(Control("pinpad"));
            else File.WriteAllText(Control("pinpad"), string.Join("\n", typed) + "\n");
        }

        /// <summary>The calls given a NULL PIN for the pad, by name ("Login"; "SetPIN" once per PIN), in order.</summary>
        public string[] PinPadCalls =>
            Log.Where(l => l.StartsWith("pinpad ", StringComparison.Ordinal)).Select(l => l.Substring(7)).ToArray();

        /// <summary>The return values of one logged call ("SetPIN", "InitPIN", "InitToken", "CreateObject", ...), in order.</summary>
        public ulong[] Returns(string call) =>
            Log.Where(l => l.StartsWith("C_" + call + " ", StringComparison.Ordinal)).Select(l => ulong.Parse(l.Substring(call.Length + 3))).ToArray();
        /// <summary>From now on C_GetMechanismList leaves these mechanism codes out (a token without them); none stops it.</summary>
        public void HideMechanisms(params ulong[] types)
        {
            if (types.Length == 0) File.Delete(Control("hide-mechanisms"));
            else File.WriteAllLines(Control("hide-mechanisms"), types.Select(t => "0x" + t.ToString("x")));
        }

        /// <summary>From now on C_GenerateKeyPair returns <paramref name="rv"/> without calling the module (CKR_DEVICE_MEMORY: a full token); 0 stops it.</summary>
        public void FailGenerateKeyPair(ulong rv)
        {
            if (rv == 0) File.Delete(Control("generate-rv"));
            else File.WriteAllText(Control("generate-rv"), "0x" + rv.ToString("x"));
        }

        public bool Entered => File.Exists(Control("entered"));

        /// <summary>Waits until a call is stuck in a blocked function; false after <paramref name="timeout"/>.</summary>
        public bool WaitEntered(TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (!Entered)
            {
                if (clock.Elapsed > timeout) return false;
                Thread.Sleep(10);
            }
            return true;
        }

        /// <summary>The C_Initialize / C_Finalize / C_Login calls (and the write calls) the module saw with their return value, e.g. "C_Initialize 0".</summary>
        public string[] Log => File.Exists(Control("log")) ? File.ReadAllLines(Control("log")) : Array.Empty<string>();

        public int Initializations => Log.Count(l => l.StartsWith("C_Initialize 0", StringComparison.Ordinal));

        /// <summary>Every C_Initialize, also those the module refused (CKR_CRYPTOKI_ALREADY_INITIALIZED).</summary>
        public int InitializeCalls => Log.Count(l => l.StartsWith("C_Initialize ", StringComparison.Ordinal));
        /// <summary>The C_Login return values in order (160 is CKR_PIN_INCORRECT): each one cost the card a try when it failed.</summary>
        public ulong[] Logins => Log.Where(l => l.StartsWith("C_Login ", StringComparison.Ordinal)).Select(l => ulong.Parse(l.Substring(8))).ToArray();

        public int Finalizations => Log.Count(l => l.StartsWith("C_Finalize", StringComparison.Ordinal));

        /// <summary>How often two calls were inside a no-locking module at once.</summary>
        public int Overlaps => File.Exists(Control("overlaps")) ? File.ReadAllLines(Control("overlaps")).Length : 0;

        /// <summary>The calls a no-locking build saw after C_Initialize, by name ("CloseSession"), in order.</summary>
        public string[] Calls => File.Exists(Control("calls")) ? File.ReadAllLines(Control("calls")) : Array.Empty<string>();

        public void ResetLog()
        {
            foreach (string name in new[] { "log", "overlaps", "entered", "calls" }) File.Delete(Control(name));
        }

        private string Control(string name) => Path.Combine(ControlDirectory, name);

        public void Dispose()
        {
            if (System.IO.Directory.Exists(ControlDirectory)) Unblock();
            try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
        }
    }
}
