using System;
using System.Text;

namespace SmartCardPS
{
    /// <summary>The one spelling of byte strings this module prints: uppercase hex pairs separated by spaces.</summary>
    public static class Hex
    {
        public static string Format(byte[] bytes) => Format(bytes, 0, bytes?.Length ?? 0);

        public static string Format(byte[] bytes, int offset, int count)
        {
            if (bytes == null || count <= 0) return string.Empty;
            var sb = new StringBuilder(count * 3 - 1);
            for (int i = offset; i < offset + count; i++)
            {
                if (i > offset) sb.Append(' ');
                sb.Append(Digit(bytes[i] >> 4)).Append(Digit(bytes[i] & 0xF));
            }
            return sb.ToString();
        }

        private static char Digit(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
    }
}
