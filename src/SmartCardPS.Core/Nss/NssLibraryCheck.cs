using System.IO;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Nss
{
    /// <summary>
    /// Whether Firefox could load a PKCS#11 library, judged from the file alone (it is never loaded here): one check
    /// for every cmdlet that names a library to Firefox, so pkcs11.txt and policies.json refuse the same paths.
    /// </summary>
    public static class NssLibraryCheck
    {
        public const string NotFound = "NotFound";
        public const string NotPkcs11 = "NotPkcs11";

        /// <summary>Why Firefox could not load <paramref name="path"/>, without a final stop, with the error id's reason; null when it could.</summary>
        public static string Problem(string path, out string reason)
        {
            reason = null;
            if (!File.Exists(path))
            {
                reason = NotFound;
                return $"The PKCS#11 library {UntrustedText.Quote(path)} does not exist";
            }
            string problem = Pkcs11Export.Problem(path);
            if (problem == null) return null;
            reason = NotPkcs11;
            return $"{UntrustedText.Quote(path)} {problem}; Firefox could not load it";
        }
    }
}
