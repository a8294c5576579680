using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// C_GenerateKeyPair with the templates p11tool --generate-privkey uses: both keys token objects with the same label
    /// and CKA_ID, the private key private, sensitive and not extractable, the public key public. What the token cannot do
    /// (a mechanism it does not list, a key size outside its range) is refused before the call, naming what it can.
    /// </summary>
    public static class Pkcs11KeyGenerator
    {
        private const ulong RsaKeyPairGen = (ulong)CKM.CKM_RSA_PKCS_KEY_PAIR_GEN;
        private const ulong EcKeyPairGen = 0x1040;
        private const ulong EdwardsKeyPairGen = 0x1055;
        private const ulong EdwardsKeyType = 0x40;

        /// <summary>The curves by the names the cmdlet takes, with the CKA_EC_PARAMS the token gets (named-curve OIDs; for Ed25519 the PrintableString pkcs11-tool sends).</summary>
        private static readonly Dictionary<string, byte[]> CurveParameters = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase)
        {
            ["P-256"] = Text.Hex.TryParse("06082a8648ce3d030107"),
            ["P-384"] = Text.Hex.TryParse("06052b81040022"),
            ["P-521"] = Text.Hex.TryParse("06052b81040023"),
            ["Ed25519"] = Encoding.ASCII.GetBytes("\u0013\u000cedwards25519"),
        };

        public static IReadOnlyCollection<string> Curves => CurveParameters.Keys;

        /// <summary>The usage p11tool gives when none is asked for.</summary>
        public static Pkcs11KeyUsage DefaultUsage(Pkcs11KeyAlgorithm algorithm) =>
            algorithm == Pkcs11KeyAlgorithm.EdDsa ? Pkcs11KeyUsage.Sign : Pkcs11KeyUsage.Sign | Pkcs11KeyUsage.Decrypt | Pkcs11KeyUsage.Wrap;

        /// <summary>Generates the pair in <paramref name="session"/> (read-write, logged in) and reads both keys back.</summary>
        public static Pkcs11KeyPair Generate(Pkcs11KeySession session, Pkcs11KeyPairSpec spec)
        {
            if (session == null) throw new ArgumentNullException(nameof(session));
            if (spec == null) throw new ArgumentNullException(nameof(spec));
            ulong mechanismType = spec.Algorithm == Pkcs11KeyAlgorithm.Rsa ? RsaKeyPairGen : spec.Algorithm == Pkcs11KeyAlgorithm.Ec ? EcKeyPairGen : EdwardsKeyPairGen;
            Pkcs11Mechanism mechanism = Check(session, spec, mechanismType);
            byte[] id = spec.Id ?? RandomId();
            Pkcs11KeyUsage usage = spec.Usage ?? DefaultUsage(spec.Algorithm);
            var factory = session.Factories.ObjectAttributeFactory;
            ulong keyType = spec.Algorithm == Pkcs11KeyAlgorithm.Rsa ? (ulong)CKK.CKK_RSA : spec.Algorithm == Pkcs11KeyAlgorithm.Ec ? (ulong)CKK.CKK_EC : EdwardsKeyType;
            var pub = new List<IObjectAttribute>
            {
                factory.Create(CKA.CKA_CLASS, (ulong)CKO.CKO_PUBLIC_KEY), factory.Create(CKA.CKA_KEY_TYPE, keyType),
                factory.Create(CKA.CKA_TOKEN, true), factory.Create(CKA.CKA_PRIVATE, false), factory.Create(CKA.CKA_ID, id),
                factory.Create(CKA.CKA_VERIFY, usage.HasFlag(Pkcs11KeyUsage.Sign)),
            };
            var priv = new List<IObjectAttribute>
            {
                factory.Create(CKA.CKA_CLASS, (ulong)CKO.CKO_PRIVATE_KEY), factory.Create(CKA.CKA_KEY_TYPE, keyType),
                factory.Create(CKA.CKA_TOKEN, true), factory.Create(CKA.CKA_PRIVATE, true), factory.Create(CKA.CKA_ID, id),
                factory.Create(CKA.CKA_SENSITIVE, !spec.Extractable), factory.Create(CKA.CKA_EXTRACTABLE, spec.Extractable),
                factory.Create(CKA.CKA_SIGN, usage.HasFlag(Pkcs11KeyUsage.Sign)),
            };
            // Every usage is set, to false too: SoftHSM, for one, makes an unset CKA_DECRYPT true, even on an EdDSA key.
            pub.Add(factory.Create(CKA.CKA_ENCRYPT, usage.HasFlag(Pkcs11KeyUsage.Decrypt)));
            priv.Add(factory.Create(CKA.CKA_DECRYPT, usage.HasFlag(Pkcs11KeyUsage.Decrypt)));
            pub.Add(factory.Create(CKA.CKA_WRAP, usage.HasFlag(Pkcs11KeyUsage.Wrap)));
            priv.Add(factory.Create(CKA.CKA_UNWRAP, usage.HasFlag(Pkcs11KeyUsage.Wrap)));
            pub.Add(factory.Create(CKA.CKA_DERIVE, usage.HasFlag(Pkcs11KeyUsage.Derive)));
            priv.Add(factory.Create(CKA.CKA_DERIVE, usage.HasFlag(Pkcs11KeyUsage.Derive)));
            if (!string.IsNullOrEmpty(spec.Label))
            {
                pub.Add(factory.Create(CKA.CKA_LABEL, Encoding.UTF8.GetBytes(spec.Label)));
                priv.Add(factory.Create(CKA.CKA_LABEL, Encoding.UTF8.GetBytes(spec.Label)));
            }
            if (spec.Algorithm == Pkcs11KeyAlgorithm.Rsa)
            {
                pub.Add(factory.Create(CKA.CKA_MODULUS_BITS, (ulong)spec.KeySize));
                pub.Add(factory.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 0x01, 0x00, 0x01 }));
            }
            else
            {
                pub.Add(factory.Create(CKA.CKA_EC_PARAMS, CurveParameters[CurveName(spec)]));
            }
            IObjectHandle publicHandle = null, privateHandle = null;
            try
            {
                session.Call(s =>
                {
                    s.GenerateKeyPair(session.Factories.MechanismFactory.Create(mechanismType), pub, priv, out publicHandle, out privateHandle);
                    return true;
                });
            }
            catch (Pkcs11ModuleException ex)
            {
                throw session.Failure(ex, $"Generating the key pair with {mechanism.Name}");
            }
            return new Pkcs11KeyPair { PrivateKey = session.Remember(privateHandle), PublicKey = session.Remember(publicHandle) };
        }

        private static string CurveName(Pkcs11KeyPairSpec spec) =>
            spec.Curve ?? (spec.Algorithm == Pkcs11KeyAlgorithm.EdDsa ? "Ed25519" : "P-256");

        private static Pkcs11Mechanism Check(Pkcs11KeySession session, Pkcs11KeyPairSpec spec, ulong mechanismType)
        {
            string name = Pkcs11Names.Mechanism(mechanismType);
            Pkcs11Mechanism mechanism = session.Mechanism(mechanismType, Pkcs11MechanismFlags.GenerateKeyPair);
            if (mechanism == null)
            {
                string listed = string.Join(", ", session.Mechanisms.Where(m => m.Flags.HasFlag(Pkcs11MechanismFlags.GenerateKeyPair)).Select(m => m.Name));
                throw new Pkcs11KeyException(Pkcs11KeyFailure.MechanismNotSupported, session.Library, session.Token,
                    $"the token does not list {name}, so it cannot generate {spec.Algorithm} keys. It generates key pairs with: {(listed.Length > 0 ? listed : "none")}.",
                    (ulong)CKR.CKR_MECHANISM_INVALID);
            }
            string curve = CurveName(spec);
            if (spec.Algorithm == Pkcs11KeyAlgorithm.Rsa)
            {
                bool outside = spec.KeySize < 1 || (mechanism.MinKeySize > 0 && (ulong)spec.KeySize < mechanism.MinKeySize)
                    || (mechanism.MaxKeySize > 0 && (ulong)spec.KeySize > mechanism.MaxKeySize);
                if (outside)
                {
                    throw new Pkcs11KeyException(Pkcs11KeyFailure.KeySizeOutOfRange, session.Library, session.Token,
                        string.Format(CultureInfo.InvariantCulture, "{0} bits is outside the range of {1} on this token (CKR_KEY_SIZE_RANGE): it takes {2} to {3} bits.",
                            spec.KeySize, name, mechanism.MinKeySize, mechanism.MaxKeySize), (ulong)CKR.CKR_KEY_SIZE_RANGE);
                }
            }
            else if (!CurveParameters.ContainsKey(curve) || (curve.Equals("Ed25519", StringComparison.OrdinalIgnoreCase) != (spec.Algorithm == Pkcs11KeyAlgorithm.EdDsa)))
            {
                throw new Pkcs11KeyException(Pkcs11KeyFailure.CurveNotSupported, session.Library, session.Token,
                    spec.Algorithm == Pkcs11KeyAlgorithm.EdDsa ? $"EdDsa keys are on Ed25519, not {Text.UntrustedText.Quote(curve)}." : $"Ec keys are on P-256, P-384 or P-521, not {Text.UntrustedText.Quote(curve)}.");
            }
            return mechanism;
        }

        private static byte[] RandomId()
        {
            var id = new byte[20];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(id);
            return id;
        }
    }
}
