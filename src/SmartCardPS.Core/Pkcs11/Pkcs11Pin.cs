using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// A PIN as C_Login takes it (UTF-8 bytes), made from a SecureString, a pin-source file or a URI's pin-value. The
    /// bytes live in an array pinned before the PIN is written into it, so the GC never moves it and leaves no copy
    /// behind in memory it frees; Dispose zeroes it. Every intermediate copy is pinned and zeroed the same way, and no
    /// managed string of the PIN is made (a pin-value arrives inside the URI string the user typed; it is decoded
    /// from there straight into the bytes).
    /// </summary>
    public sealed class Pkcs11Pin : IDisposable
    {
        private GCHandle handle;

        private Pkcs11Pin(int length)
        {
            Bytes = new byte[length];
            handle = GCHandle.Alloc(Bytes, GCHandleType.Pinned);
        }

        /// <summary>The PIN; all zero once disposed.</summary>
        public byte[] Bytes { get; }

        public void Dispose()
        {
            if (!handle.IsAllocated) return;
            Array.Clear(Bytes, 0, Bytes.Length);
            handle.Free();
        }

        public static unsafe Pkcs11Pin FromSecureString(SecureString pin)
        {
            if (pin == null) throw new ArgumentNullException(nameof(pin));
            IntPtr unmanaged = Marshal.SecureStringToGlobalAllocUnicode(pin);
            try
            {
                // UTF-16 in unmanaged memory straight to UTF-8 in the pinned array: no managed char[] in between.
                char* chars = (char*)unmanaged;
                var result = new Pkcs11Pin(Encoding.UTF8.GetByteCount(chars, pin.Length));
                fixed (byte* bytes = result.Bytes)
                {
                    if (result.Bytes.Length > 0) Encoding.UTF8.GetBytes(chars, pin.Length, bytes, result.Bytes.Length);
                }
                return result;
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
            }
        }

        /// <summary>The longest first line a pin-source may hold; PKCS#11 PINs are far shorter (ulMaxPinLen fits a byte on real tokens).</summary>
        public const int MaxSourceLength = 4096;

        /// <summary>
        /// The PIN in a URI's pin-source (RFC 7512: a file: URI or a path): the file's first line, its line end
        /// removed, as p11-kit and GnuTLS read it. At most <see cref="MaxSourceLength"/> bytes are read, unbuffered,
        /// into a pinned array; a longer first line is an IOException.
        /// </summary>
        public static Pkcs11Pin FromSource(string source)
        {
            string path = source;
            if (path.StartsWith("file://", StringComparison.OrdinalIgnoreCase)) path = path.Substring("file://".Length);
            else if (path.StartsWith("file:", StringComparison.OrdinalIgnoreCase)) path = path.Substring("file:".Length);
            using (var content = new Pkcs11Pin(MaxSourceLength + 1))
            {
                int length = 0;
                // bufferSize 1: no FileStream buffer, so the bytes land in the pinned array alone.
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
                {
                    int read;
                    while (length < content.Bytes.Length && Array.IndexOf(content.Bytes, (byte)'\n', 0, length) < 0
                        && (read = stream.Read(content.Bytes, length, content.Bytes.Length - length)) > 0)
                    {
                        length += read;
                    }
                }
                int end = Array.IndexOf(content.Bytes, (byte)'\n', 0, length);
                if (end < 0)
                {
                    if (length > MaxSourceLength) throw new IOException($"its first line is longer than {MaxSourceLength} bytes, which no PIN is");
                    end = length;
                }
                if (end > 0 && content.Bytes[end - 1] == '\r') end--;
                var pin = new Pkcs11Pin(end);
                Array.Copy(content.Bytes, pin.Bytes, end);
                return pin;
            }
        }

        /// <summary>
        /// The PIN in a pkcs11: URI's pin-value, decoded as Pkcs11Interop would decode it after <see cref="Pkcs11UriText.Parse"/>
        /// escaped what people type (spaces, non-ASCII letters) as UTF-8; null when the URI has no pin-value. Throws
        /// FormatException, naming no part of the value, for a '%' without two hex digits or a character RFC 7512
        /// does not allow there.
        /// </summary>
        public static Pkcs11Pin FromUri(string uri)
        {
            if (!Pkcs11UriText.FindPinValue(uri, out int start, out int length)) return null;
            var pin = new Pkcs11Pin(DecodedLength(uri, start, length));
            Decode(uri, start, length, pin.Bytes);
            return pin;
        }

        // RFC 7512's pk11-qchar as Pkcs11Interop lists it, besides letters, digits and %XX.
        private const string QueryChars = "-._~:[]@!$'()*+,=/?|";

        private static unsafe int DecodedLength(string uri, int start, int length)
        {
            int count = 0;
            Walk(uri, start, length, _ => count++, (runStart, runLength) =>
            {
                fixed (char* chars = uri) count += Encoding.UTF8.GetByteCount(chars + runStart, runLength);
            });
            return count;
        }

        private static unsafe void Decode(string uri, int start, int length, byte[] into)
        {
            int at = 0;
            Walk(uri, start, length, b => into[at++] = b, (runStart, runLength) =>
            {
                fixed (char* chars = uri)
                fixed (byte* bytes = into)
                {
                    at += Encoding.UTF8.GetBytes(chars + runStart, runLength, bytes + at, into.Length - at);
                }
            });
        }

        /// <summary>
        /// The value's bytes in order: a byte for each %XX and each allowed ASCII character, and each run of characters
        /// Parse would escape as one UTF-8 run (as Parse encodes them, lone surrogates and all).
        /// </summary>
        private static void Walk(string uri, int start, int length, Action<byte> onByte, Action<int, int> onRun)
        {
            int end = start + length;
            for (int i = start; i < end;)
            {
                char c = uri[i];
                if (c == '%')
                {
                    if (i + 2 >= end || !IsHex(uri[i + 1]) || !IsHex(uri[i + 2]))
                        throw new FormatException("Value of pin-value attribute contains invalid application of percent-encoding");
                    onByte((byte)(HexValue(uri[i + 1]) * 16 + HexValue(uri[i + 2])));
                    i += 3;
                }
                else if (Pkcs11UriText.KeptAsTyped(c))
                {
                    if (!char.IsLetterOrDigit(c) && QueryChars.IndexOf(c) < 0) throw new FormatException("Value of pin-value attribute contains invalid character");
                    onByte((byte)c);
                    i++;
                }
                else
                {
                    int runStart = i;
                    while (i < end && !Pkcs11UriText.KeptAsTyped(uri[i])) i++;
                    onRun(runStart, i - runStart);
                }
            }
        }

        private static bool IsHex(char c) => (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');

        private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    }
}
