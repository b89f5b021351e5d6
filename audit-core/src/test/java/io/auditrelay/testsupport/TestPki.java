package io.auditrelay.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority of the test's own, for TLS tests: it issues server and client
 * certificates (with the host names, validity and purposes a case needs) and writes them as PEM
 * files, the form RabbitMQ and Spring Boot's PEM SSL bundles read. Keys are EC P-256.
 */
public final class TestPki {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final Path directory;
  private final String name;
  private final KeyPair caKeys;
  private final X509Certificate caCertificate;
  private final Path caPem;

  private TestPki(Path directory, String name) {
    this.directory = directory;
    this.name = name;
    try {
      Files.createDirectories(directory);
      this.caKeys = keyPair();
      X500Name subject = new X500Name("CN=" + name);
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(now.minus(Duration.ofDays(1))),
              Date.from(now.plus(Duration.ofDays(30))),
              subject,
              caKeys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      this.caCertificate = sign(builder, caKeys.getPrivate());
      this.caPem = write(name + "-ca.pem", pem("CERTIFICATE", caCertificate.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("could not make the test CA " + name, e);
    }
  }

  /** A new CA named {@code name}, writing its files under {@code directory}. */
  public static TestPki create(Path directory, String name) {
    return new TestPki(directory, name);
  }

  /** The CA certificate as a PEM file. */
  public Path caPem() {
    return caPem;
  }

  public X509Certificate caCertificate() {
    return caCertificate;
  }

  /** A server certificate for {@code 127.0.0.1} and {@code localhost}, valid now. */
  public Issued server(String commonName) {
    return issue(commonName, List.of("localhost"), List.of("127.0.0.1"), validNow(), true);
  }

  /** A server certificate that names only {@code dnsName}, valid now. */
  public Issued serverFor(String commonName, String dnsName) {
    return issue(commonName, List.of(dnsName), List.of(), validNow(), true);
  }

  /** A server certificate for {@code 127.0.0.1} and {@code localhost} that expired yesterday. */
  public Issued expiredServer(String commonName) {
    Instant now = Instant.now();
    return issue(
        commonName,
        List.of("localhost"),
        List.of("127.0.0.1"),
        new Instant[] {now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1))},
        true);
  }

  /** A client certificate whose subject's common name is {@code commonName}. */
  public Issued client(String commonName) {
    return issue(commonName, List.of(), List.of(), validNow(), false);
  }

  private static Instant[] validNow() {
    Instant now = Instant.now();
    return new Instant[] {now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))};
  }

  private Issued issue(
      String commonName, List<String> dns, List<String> ips, Instant[] validity, boolean server) {
    try {
      KeyPair keys = keyPair();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              caCertificate,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(validity[0]),
              Date.from(validity[1]),
              new X500Name("CN=" + commonName),
              keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
      List<GeneralName> names = new ArrayList<>();
      dns.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
      ips.forEach(i -> names.add(new GeneralName(GeneralName.iPAddress, i)));
      if (!names.isEmpty()) {
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      X509Certificate certificate = sign(builder, caKeys.getPrivate());
      String file = name + "-" + commonName.replaceAll("[^A-Za-z0-9-]", "_");
      Path certPem =
          write(
              file + ".pem",
              pem("CERTIFICATE", certificate.getEncoded())
                  + pem("CERTIFICATE", caCertificate.getEncoded()));
      Path keyPem = write(file + ".key", pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
      return new Issued(certificate, keys.getPrivate(), certPem, keyPem, caCertificate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("could not issue a test certificate for " + commonName, e);
    }
  }

  /** A client TLS context that trusts {@code ca} only, presenting {@code clientKey} if not null. */
  public static SSLContext clientContext(TestPki ca, Issued clientKey) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.caCertificate);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (clientKey != null) {
        kmf = clientKey.keyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client TLS context that trusts {@code ca} only and presents no certificate. */
  public static SSLContext trusting(TestPki ca) {
    return clientContext(ca, null);
  }

  private Path write(String file, String content) throws IOException {
    Path path = directory.resolve(file);
    Files.writeString(path, content, StandardCharsets.US_ASCII);
    return path;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws Exception {
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  /**
   * A certificate with its key.
   *
   * @param certificate the certificate
   * @param key its private key
   * @param certificatePem the certificate and its CA's, as a PEM chain file
   * @param keyPem the key as a PKCS#8 PEM file
   * @param issuer the CA certificate
   */
  public record Issued(
      X509Certificate certificate,
      PrivateKey key,
      Path certificatePem,
      Path keyPem,
      X509Certificate issuer) {

    /** Key managers that present this certificate. */
    public KeyManagerFactory keyManagers() throws GeneralSecurityException, IOException {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("key", key, new char[0], new Certificate[] {certificate, issuer});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, new char[0]);
      return kmf;
    }
  }
}
