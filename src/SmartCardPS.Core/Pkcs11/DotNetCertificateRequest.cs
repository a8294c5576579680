using System;
using System.Collections.ObjectModel;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmartCardPS.Pkcs11
{
    /// <summary>
    /// .NET's own CertificateRequest, reached by reflection: every runtime the module supports has it (.NET Framework
    /// 4.7.2, .NET Core 2.0 and later), but netstandard2.0, which the core compiles against, does not name it. The key is
    /// a TokenRsa or TokenECDsa, so .NET builds and encodes the request and the token signs it.
    /// </summary>
    internal sealed class DotNetCertificateRequest
    {
        private const string Namespace = "System.Security.Cryptography.X509Certificates.";
        private static readonly Type RequestType = Find("CertificateRequest");
        private static readonly Type GeneratorType = Find("X509SignatureGenerator");

        private readonly object request;
        private readonly AsymmetricAlgorithm key;
        private readonly RSASignaturePadding padding;

        public DotNetCertificateRequest(X500DistinguishedName subject, AsymmetricAlgorithm key, HashAlgorithmName hash, RSASignaturePadding padding)
        {
            this.key = key;
            this.padding = padding;
            request = key is RSA
                ? Invoke(() => Activator.CreateInstance(RequestType, subject, key, hash, padding))
                : Invoke(() => Activator.CreateInstance(RequestType, subject, key, hash));
        }

        public Collection<X509Extension> Extensions => (Collection<X509Extension>)RequestType.GetProperty("CertificateExtensions").GetValue(request);

        /// <summary>The DER PKCS#10 request, signed with the key.</summary>
        public byte[] CreateSigningRequest() =>
            (byte[])Invoke(() => RequestType.GetMethod("CreateSigningRequest", Type.EmptyTypes).Invoke(request, null));

        /// <summary>
        /// A certificate signed by the key itself. CreateSelfSigned would attach the private key, which stays on the token,
        /// so this is Create with the subject as issuer and the key's own signature generator.
        /// </summary>
        public X509Certificate2 CreateSelfSigned(X500DistinguishedName subject, DateTimeOffset notBefore, DateTimeOffset notAfter, byte[] serialNumber)
        {
            object generator = key is RSA
                ? Invoke(() => GeneratorType.GetMethod("CreateForRSA", new[] { typeof(RSA), typeof(RSASignaturePadding) }).Invoke(null, new object[] { key, padding }))
                : Invoke(() => GeneratorType.GetMethod("CreateForECDsa", new[] { typeof(ECDsa) }).Invoke(null, new object[] { key }));
            MethodInfo create = RequestType.GetMethod("Create",
                new[] { typeof(X500DistinguishedName), GeneratorType, typeof(DateTimeOffset), typeof(DateTimeOffset), typeof(byte[]) });
            return (X509Certificate2)Invoke(() => create.Invoke(request, new object[] { subject, generator, notBefore, notAfter, serialNumber }));
        }

        /// <summary>The exception the call threw (a token failure, a CryptographicException), not reflection's wrapper.</summary>
        private static object Invoke(Func<object> call)
        {
            try
            {
                return call();
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }

        private static Type Find(string name) =>
            typeof(X509Certificate2).Assembly.GetType(Namespace + name)
            ?? Type.GetType(Namespace + name + ", System.Security.Cryptography.X509Certificates")
            ?? Type.GetType(Namespace + name + ", System.Core, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089")
            ?? throw new PlatformNotSupportedException($"This .NET has no {name}: certificate requests need .NET Framework 4.7.2 or PowerShell 7.");
    }
}
