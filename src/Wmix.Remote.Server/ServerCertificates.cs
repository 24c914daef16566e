using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Wmix.Remote.Server;

/// <summary>Loads the server's TLS certificate, or makes a self-signed one (tests, first setup).</summary>
public static class ServerCertificates
{
    /// <summary>
    /// Loads a certificate with its private key: a PEM certificate plus a PEM key file (<paramref name="keyPath"/>;
    /// a PEM file holding both works with the same path twice or a null key path), or a PKCS#12 (.pfx/.p12) file
    /// with an optional <paramref name="password"/>.
    /// </summary>
    /// <exception cref="CryptographicException">The files cannot be read as a certificate with a private key.</exception>
    public static X509Certificate2 Load(string certificatePath, string? keyPath = null, string? password = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificatePath);
        var ext = Path.GetExtension(certificatePath).ToLowerInvariant();
        X509Certificate2 cert;
        if (ext is ".pfx" or ".p12")
        {
            cert = X509CertificateLoader.LoadPkcs12FromFile(certificatePath, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        else
        {
            cert = string.IsNullOrEmpty(password)
                ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, keyPath);
        }
        if (!cert.HasPrivateKey)
        {
            cert.Dispose();
            throw new CryptographicException($"{certificatePath}: the certificate has no private key (give --key for a PEM certificate).");
        }
        return cert;
    }

    /// <summary>A self-signed ECDSA P-256 server certificate for <paramref name="hostNames"/> (and 127.0.0.1, ::1), valid for a year.</summary>
    public static X509Certificate2 CreateSelfSigned(params string[] hostNames)
    {
        ArgumentNullException.ThrowIfNull(hostNames);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var name = hostNames.Length > 0 ? hostNames[0] : "localhost";
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var h in hostNames.Append("localhost").Distinct(StringComparer.OrdinalIgnoreCase))
        {
            san.AddDnsName(h);
        }
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
    }

    /// <summary>Writes <paramref name="certificate"/> as PEM files: the certificate and (mode 0600) its key.</summary>
    public static void ExportPem(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        var key = certificate.GetECDsaPrivateKey() is { } ec ? ec.ExportPkcs8PrivateKeyPem()
            : certificate.GetRSAPrivateKey() is { } rsa ? rsa.ExportPkcs8PrivateKeyPem()
            : throw new CryptographicException("The certificate has no exportable private key.");
        using var stream = new FileStream(keyPath, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write }.WithOwnerOnlyPublic());
        using var writer = new StreamWriter(stream);
        writer.Write(key);
    }

    private static FileStreamOptions WithOwnerOnlyPublic(this FileStreamOptions options) => Security.FileModes.WithOwnerOnly(options);
}
