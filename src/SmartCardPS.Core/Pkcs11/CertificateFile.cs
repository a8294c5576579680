using System;
using System.IO;

namespace SmartCardPS.Pkcs11
{
    /// <summary>Writes an exported certificate whole or not at all: a temporary file beside the target, then a rename over it.</summary>
    public static class CertificateFile
    {
        public static void Write(string path, byte[] content)
        {
            string full = Path.GetFullPath(path);
            string temp = Path.Combine(Path.GetDirectoryName(full), "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                    stream.Write(content, 0, content.Length);
                    stream.Flush(true);
                }
                if (File.Exists(full)) File.Replace(temp, full, null);
                else File.Move(temp, full);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
    }
}
