using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// PINs as C_Login takes them (UTF-8 bytes), made from a SecureString or read from a pin-source file, with
    /// every intermediate copy cleared. Callers clear the returned bytes with <see cref="Clear"/>.
    /// </summary>
    public static class Pkcs11Pin
    {
        public static byte[] FromSecureString(SecureString pin)
        {
            if (pin == null) throw new ArgumentNullException(nameof(pin));
            IntPtr unmanaged = Marshal.SecureStringToGlobalAllocUnicode(pin);
            char[] chars = new char[pin.Length];
            try
            {
                Marshal.Copy(unmanaged, chars, 0, chars.Length);
                return Encoding.UTF8.GetBytes(chars);
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
                Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
            }
        }

        /// <summary>
        /// The PIN in a URI's pin-source (RFC 7512: a file: URI or a path): the file's first line, its line end
        /// removed, as p11-kit and GnuTLS read it.
        /// </summary>
        public static byte[] FromSource(string source)
        {
            string path = source;
            if (path.StartsWith("file://", StringComparison.OrdinalIgnoreCase)) path = path.Substring("file://".Length);
            else if (path.StartsWith("file:", StringComparison.OrdinalIgnoreCase)) path = path.Substring("file:".Length);
            byte[] content = File.ReadAllBytes(path);
            int end = Array.IndexOf(content, (byte)'\n');
            if (end < 0) end = content.Length;
            if (end > 0 && content[end - 1] == '\r') end--;
            byte[] pin = new byte[end];
            Array.Copy(content, pin, end);
            Clear(content);
            return pin;
        }

        public static byte[] FromText(string pin) => Encoding.UTF8.GetBytes(pin);

        public static void Clear(byte[] pin)
        {
            if (pin != null) Array.Clear(pin, 0, pin.Length);
        }
    }
}
