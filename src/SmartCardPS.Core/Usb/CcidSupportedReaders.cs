using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml;
using SmartCardPS.Os;
using SmartCardPS.Text;

namespace SmartCardPS.Usb
{
    /// <summary>
    /// The readers the CCID driver (libccid) claims, from its bundle's Info.plist: the parallel arrays
    /// ifdVendorID, ifdProductID and ifdFriendlyName, which pcscd itself reads to pick a driver and name a reader.
    /// </summary>
    public sealed class CcidSupportedReaders
    {
        private readonly Dictionary<(int, int), string> names = new Dictionary<(int, int), string>();

        private CcidSupportedReaders(string path) => Path = path;

        /// <summary>The Info.plist read, or null when no CCID bundle is installed.</summary>
        public string Path { get; }
        public int Count => names.Count;

        /// <summary>Where pcsc-lite keeps its USB drivers on each platform, most likely first.</summary>
        public static IEnumerable<string> DriverDirectories()
        {
            if (RunningOs.IsMacOS)
            {
                yield return "/usr/local/libexec/SmartCardServices/drivers";
                yield return "/usr/libexec/SmartCardServices/drivers";
                yield break;
            }
            yield return "/usr/lib/pcsc/drivers";
            yield return "/usr/lib64/pcsc/drivers";
            yield return "/usr/local/lib/pcsc/drivers";
        }

        /// <summary>Every installed driver bundle (ifd-ccid.bundle and vendors' bundles) under <paramref name="root"/>.</summary>
        public static IReadOnlyList<string> InstalledBundles(string root = "/") =>
            DriverDirectories().Select(d => Rooted(root, d)).Where(Directory.Exists)
                .SelectMany(d => Directory.GetDirectories(d, "*.bundle")).ToList();

        /// <summary>The installed CCID bundle's list, or an empty list with a null Path when there is none.</summary>
        public static CcidSupportedReaders Load(string root = "/")
        {
            string plist = DriverDirectories().Select(d => System.IO.Path.Combine(Rooted(root, d), "ifd-ccid.bundle", "Contents", "Info.plist"))
                .FirstOrDefault(File.Exists);
            return plist == null ? new CcidSupportedReaders(null) : LoadPlist(plist);
        }

        public static CcidSupportedReaders LoadPlist(string path)
        {
            var doc = new XmlDocument { XmlResolver = null };
            using (var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null }))
            {
                doc.Load(reader);
            }
            List<string> vendors = Array(doc, "ifdVendorID"), products = Array(doc, "ifdProductID"), friendly = Array(doc, "ifdFriendlyName");
            var list = new CcidSupportedReaders(path);
            for (int i = 0; i < Math.Min(vendors.Count, Math.Min(products.Count, friendly.Count)); i++)
            {
                if (!Hex.TryParseNumber(vendors[i], out int vid) || !Hex.TryParseNumber(products[i], out int pid)) continue;
                // pcscd takes the first entry for an id, as the list is read in order.
                if (!list.names.ContainsKey((vid, pid))) list.names[(vid, pid)] = friendly[i];
            }
            return list;
        }

        /// <summary>The name pcscd gives the reader (before interface, serial and index), or null when libccid does not claim it.</summary>
        public string FriendlyName(int vendorId, int productId) => names.TryGetValue((vendorId, productId), out string n) ? n : null;

        private static List<string> Array(XmlDocument doc, string key)
        {
            XmlNode keyNode = doc.SelectSingleNode($"/plist/dict/key[text()='{key}']");
            XmlNode array = keyNode?.NextSibling;
            while (array != null && array.NodeType != XmlNodeType.Element) array = array.NextSibling;
            if (array == null || array.Name != "array") return new List<string>();
            return array.ChildNodes.OfType<XmlElement>().Where(e => e.Name == "string").Select(e => e.InnerText.Trim()).ToList();
        }

        internal static string Rooted(string root, string absolute) =>
            string.IsNullOrEmpty(root) || root == "/" ? absolute : System.IO.Path.Combine(root, absolute.TrimStart('/'));
    }
}
