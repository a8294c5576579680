using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.MechanismParams;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// C_Sign with a private key found in a Pkcs11KeySession, for each mechanism the key code uses: CKM_RSA_PKCS over a
    /// DigestInfo, CKM_RSA_PKCS_PSS and CKM_ECDSA over a hash, CKM_EDDSA over the message. A CKA_ALWAYS_AUTHENTICATE
    /// key gets its context-specific login (CKU_CONTEXT_SPECIFIC) with the session's PIN for each signature.
    /// </summary>
    internal static class Pkcs11Signatures
    {
        public const ulong RsaPkcs = (ulong)CKM.CKM_RSA_PKCS;
        public const ulong RsaPss = (ulong)CKM.CKM_RSA_PKCS_PSS;
        public const ulong Ecdsa = (ulong)CKM.CKM_ECDSA;
        public const ulong EdDsa = 0x1057;

        // DER DigestInfo prefixes (RFC 8017, 9.2 note 1): what CKM_RSA_PKCS signs is prefix || hash.
        private static readonly Dictionary<string, byte[]> DigestInfo = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["SHA1"] = Text.Hex.TryParse("3021300906052b0e03021a05000414"),
            ["SHA256"] = Text.Hex.TryParse("3031300d060960864801650304020105000420"),
            ["SHA384"] = Text.Hex.TryParse("3041300d060960864801650304020205000430"),
            ["SHA512"] = Text.Hex.TryParse("3051300d060960864801650304020305000440"),
        };

        // CKM_SHA_1/256/384/512 and the matching CKG_MGF1_ codes for CK_RSA_PKCS_PSS_PARAMS.
        private static readonly Dictionary<string, ulong[]> PssParameters = new Dictionary<string, ulong[]>(StringComparer.Ordinal)
        {
            ["SHA1"] = new ulong[] { 0x220, 1 },
            ["SHA256"] = new ulong[] { 0x250, 2 },
            ["SHA384"] = new ulong[] { 0x260, 3 },
            ["SHA512"] = new ulong[] { 0x270, 4 },
        };

        public static byte[] SignRsa(Pkcs11KeySession session, Pkcs11Object key, byte[] hash, HashAlgorithmName hashAlgorithm, Pkcs11RsaPadding padding)
        {
            string name = hashAlgorithm.Name ?? string.Empty;
            if (padding == Pkcs11RsaPadding.Pkcs1)
            {
                if (!DigestInfo.TryGetValue(name, out byte[] prefix)) throw new CryptographicException($"No DigestInfo for hash {name}.");
                return Sign(session, key, RsaPkcs, null, Der.Concat(prefix, hash));
            }
            if (!PssParameters.TryGetValue(name, out ulong[] pss)) throw new CryptographicException($"No PSS parameters for hash {name}.");
            var parameters = session.Factories.MechanismParamsFactory.CreateCkRsaPkcsPssParams(pss[0], pss[1], (ulong)hash.Length);
            return Sign(session, key, RsaPss, parameters, hash);
        }

        public static byte[] Sign(Pkcs11KeySession session, Pkcs11Object key, ulong mechanismType, IMechanismParams parameters, byte[] data)
        {
            IObjectHandle handle = session.HandleOf(key);
            IMechanism mechanism = parameters == null
                ? session.Factories.MechanismFactory.Create(mechanismType)
                : session.Factories.MechanismFactory.Create(mechanismType, parameters);
            bool always = key.Flags.HasFlag(Pkcs11ObjectFlags.AlwaysAuthenticate);
            try
            {
                return session.Call(s => always ? s.Sign(mechanism, handle, session.Pin, data) : s.Sign(mechanism, handle, data));
            }
            catch (Pkcs11ModuleException ex)
            {
                throw session.Failure(ex, $"Signing with {Text.UntrustedText.Quote(key.Label)} and {Pkcs11Names.Mechanism(mechanismType)}");
            }
        }

        public static byte[] Hash(byte[] data, int offset, int count, HashAlgorithmName hashAlgorithm)
        {
            using (HashAlgorithm h = Create(hashAlgorithm)) return h.ComputeHash(data, offset, count);
        }

        public static byte[] Hash(Stream data, HashAlgorithmName hashAlgorithm)
        {
            using (HashAlgorithm h = Create(hashAlgorithm)) return h.ComputeHash(data);
        }

        private static HashAlgorithm Create(HashAlgorithmName name)
        {
            switch (name.Name)
            {
                case "SHA1": return SHA1.Create();
                case "SHA256": return SHA256.Create();
                case "SHA384": return SHA384.Create();
                case "SHA512": return SHA512.Create();
                default: throw new CryptographicException($"Hash {name.Name} is not supported here: use SHA256, SHA384 or SHA512.");
            }
        }
    }
}
