using System.Collections.Generic;
using System.Text;

namespace SmartCardPS.Interop
{
    /// <summary>Splits the double-NUL-terminated string lists that SCardListReaders returns.</summary>
    internal static class MultiString
    {
        public static string[] FromUtf8(byte[] buffer, int length)
        {
            var list = new List<string>();
            int start = 0;
            for (int i = 0; i < length && i < buffer.Length; i++)
            {
                if (buffer[i] != 0) continue;
                if (i == start) break;
                list.Add(Encoding.UTF8.GetString(buffer, start, i - start));
                start = i + 1;
            }
            return list.ToArray();
        }

        public static string[] FromUtf16(char[] buffer, int length)
        {
            var list = new List<string>();
            int start = 0;
            for (int i = 0; i < length && i < buffer.Length; i++)
            {
                if (buffer[i] != '\0') continue;
                if (i == start) break;
                list.Add(new string(buffer, start, i - start));
                start = i + 1;
            }
            return list.ToArray();
        }
    }
}
