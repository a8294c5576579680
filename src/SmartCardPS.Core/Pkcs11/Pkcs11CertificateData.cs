using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// What a PKCS#11 certificate object holds besides its DER (CKA_SUBJECT, CKA_ISSUER, CKA_SERIAL_NUMBER as DER), and
    /// what pairs it with its key: the RSA modulus or the EC point, and the key id p11tool gives it.
    /// </summary>
    internal sealed class Pkcs11CertificateData
    {
        /// <summary>Throws CryptographicException (as ArgumentException) for bytes that are not an X.509 certificate.</summary>
        public Pkcs11CertificateData(byte[] der)
        {
            X509Certificate2 certificate;
            try
            {
                certificate = new X509Certificate2(der);
            }
            catch (CryptographicException ex)
            {
                throw new ArgumentException("The data is not an X.509 certificate (DER or PEM): " + ex.Message, nameof(der), ex);
            }
            using (certificate)
            {
                Subject = certificate.SubjectName.RawData;
                Issuer = certificate.IssuerName.RawData;
                // GetSerialNumber is the DER INTEGER's content, least significant byte first (its leading 00 kept).
                byte[] serial = certificate.GetSerialNumber();
                Array.Reverse(serial);
                SerialNumber = new byte[serial.Length + 2];
                SerialNumber[0] = 0x02;
                SerialNumber[1] = (byte)serial.Length;
                Array.Copy(serial, 0, SerialNumber, 2, serial.Length);
                PublicKey = certificate.PublicKey.EncodedKeyValue.RawData;
                using (var sha1 = SHA1.Create()) KeyId = sha1.ComputeHash(PublicKey);
                using (RSA rsa = certificate.GetRSAPublicKey())
                {
                    if (rsa != null) Modulus = Unsigned(rsa.ExportParameters(false).Modulus);
                }
            }
        }

        public byte[] Subject { get; }
        public byte[] Issuer { get; }
        public byte[] SerialNumber { get; }

        /// <summary>The subjectPublicKey BIT STRING's content: RSAPublicKey DER, or the EC point (04 X Y).</summary>
        public byte[] PublicKey { get; }

        /// <summary>SHA-1 of <see cref="PublicKey"/>: the id p11tool --write gives a certificate without --id (RFC 5280's key identifier, method 1).</summary>
        public byte[] KeyId { get; }

        /// <summary>The RSA modulus without leading zero bytes; null for other keys.</summary>
        public byte[] Modulus { get; }

        internal static byte[] Unsigned(byte[] bigEndian)
        {
            if (bigEndian == null) return null;
            int i = 0;
            while (i < bigEndian.Length - 1 && bigEndian[i] == 0) i++;
            var result = new byte[bigEndian.Length - i];
            Array.Copy(bigEndian, i, result, 0, result.Length);
            return result;
        }
    }
}
