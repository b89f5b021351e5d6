package io.auditrelay.integrity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The Ed25519 key pair that signs a stream's checkpoints, and from which the key of the drain's MAC
 * is derived. Its {@link #keyId()} is derived from the public key, so a verifier holding the public
 * key knows it without being told.
 *
 * <p>{@link #toString()} names the key id only: no key material is ever written to a log or a
 * message. Thread-safe.
 */
public final class SigningKey {

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String keyId;
  private final byte[] macKey;

  private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.keyId = VerificationKeys.keyId(publicKey);
    byte[] seed = seed(privateKey);
    this.macKey = Digests.hmac(seed, "auditrelay drain mac v1");
    Arrays.fill(seed, (byte) 0);
    if (!VerificationKeys.verify(publicKey, probe(), sign(probe()))) {
      throw new IllegalArgumentException(
          "The integrity key's public half does not match its private half");
    }
  }

  /** A new random key pair, for tests and for {@code audit-verify keygen}. */
  public static SigningKey generate() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return new SigningKey(pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JVM has no Ed25519", e);
    }
  }

  /**
   * Reads an Ed25519 private key from a PEM file ({@code -----BEGIN PRIVATE KEY-----}, PKCS #8, as
   * {@code openssl genpkey -algorithm ed25519} writes it). The public key is derived from it.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no Ed25519 private key;
   *     the message names the file, never its content
   */
  public static SigningKey fromPem(Path file) {
    byte[] der = Pem.read(file, "PRIVATE KEY");
    try {
      PrivateKey key =
          KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
      return new SigningKey(key, derivePublic(key));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException(
          "The integrity key file "
              + file
              + " holds no Ed25519 private key (create one with: openssl genpkey -algorithm"
              + " ed25519 -out "
              + file.getFileName()
              + ")");
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  /**
   * Reads the Ed25519 key pair of {@code alias} from a key store (PKCS #12 or JKS; {@code keytool
   * -genkeypair -keyalg Ed25519} creates one).
   *
   * @throws IllegalArgumentException when the store cannot be opened or the alias holds no Ed25519
   *     key pair; the message never holds the password
   */
  public static SigningKey fromKeyStore(Path file, char[] password, String alias) {
    try {
      KeyStore store = KeyStore.getInstance(file.toFile(), password);
      return fromKeyStore(file, store, password, alias);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "The integrity key store " + file + " cannot be opened: check its path and password");
    }
  }

  private static SigningKey fromKeyStore(Path file, KeyStore store, char[] password, String alias)
      throws GeneralSecurityException {
    java.security.Key key = store.getKey(alias, password);
    Certificate certificate = store.getCertificate(alias);
    if (!(key instanceof PrivateKey privateKey)
        || certificate == null
        || !"EdDSA".equals(key.getAlgorithm()) && !"Ed25519".equals(key.getAlgorithm())) {
      throw new IllegalArgumentException(
          "The integrity key store "
              + file
              + " holds no Ed25519 key pair under the alias '"
              + alias
              + "'");
    }
    return new SigningKey(privateKey, certificate.getPublicKey());
  }

  /** The id of this key in every stamp and checkpoint: see {@link VerificationKeys#keyId}. */
  public String keyId() {
    return keyId;
  }

  /** The public key, for verifiers. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** The public key as PEM ({@code -----BEGIN PUBLIC KEY-----}), to hand to consumers. */
  public String publicKeyPem() {
    return Pem.write("PUBLIC KEY", publicKey.getEncoded());
  }

  /** The Ed25519 signature of {@code data}. */
  public byte[] sign(byte[] data) {
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initSign(privateKey);
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Signing with Ed25519 failed", e);
    }
  }

  /** The key of the drain's MAC, derived from the private key. Never leaves this package. */
  byte[] macKey() {
    return macKey.clone();
  }

  @Override
  public String toString() {
    return "SigningKey[" + keyId + "]";
  }

  private static byte[] probe() {
    return "auditrelay key check".getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] seed(PrivateKey key) {
    Optional<byte[]> seed = ((EdECPrivateKey) key).getBytes();
    return seed.orElseThrow(
        () -> new IllegalArgumentException("The integrity key's private bytes are not readable"));
  }

  /**
   * The public key of an Ed25519 private key: the JDK has no call for it, but its generator makes
   * the pair of the 32 bytes its random source gives, so a source that gives the seed yields it.
   */
  private static PublicKey derivePublic(PrivateKey key) throws GeneralSecurityException {
    byte[] seed = seed(key);
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, new SeedSource(seed));
      KeyPair pair = generator.generateKeyPair();
      byte[] derived = seed(pair.getPrivate());
      boolean same = Arrays.equals(derived, seed);
      Arrays.fill(derived, (byte) 0);
      if (!same) {
        throw new IllegalArgumentException(
            "The public key of the integrity key cannot be derived on this JVM");
      }
      return pair.getPublic();
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** A random source that gives one fixed seed. */
  private static final class SeedSource extends SecureRandom {
    private static final long serialVersionUID = 1L;

    SeedSource(byte[] seed) {
      super(
          new SecureRandomSpi() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void engineSetSeed(byte[] ignored) {}

            @Override
            protected void engineNextBytes(byte[] bytes) {
              System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
            }

            @Override
            protected byte[] engineGenerateSeed(int numBytes) {
              return new byte[numBytes];
            }
          },
          null);
    }
  }

  /** PEM blocks. */
  static final class Pem {
    private Pem() {}

    static byte[] read(Path file, String label) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "The key file " + file + " cannot be read: " + e.getClass().getSimpleName());
      }
      String begin = "-----BEGIN " + label + "-----";
      String end = "-----END " + label + "-----";
      int from = text.indexOf(begin);
      int to = from < 0 ? -1 : text.indexOf(end, from);
      if (from < 0 || to < 0) {
        throw new IllegalArgumentException(
            "The key file " + file + " holds no PEM block '" + begin + "'");
      }
      String body = text.substring(from + begin.length(), to).replaceAll("\\s", "");
      try {
        return Base64.getDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "The key file " + file + " holds a PEM block that is not valid base64");
      }
    }

    static String write(String label, byte[] der) {
      return "-----BEGIN "
          + label
          + "-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
          + "\n-----END "
          + label
          + "-----\n";
    }
  }
}
