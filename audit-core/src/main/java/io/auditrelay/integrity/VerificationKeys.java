package io.auditrelay.integrity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Ed25519 public keys a verifier trusts, by key id. Keep every key a producer ever used: a
 * rotated key still verifies the checkpoints it signed. Immutable and thread-safe.
 */
public final class VerificationKeys {

  private static final VerificationKeys NONE = new VerificationKeys(Map.of());

  private final Map<String, PublicKey> keys;

  private VerificationKeys(Map<String, PublicKey> keys) {
    this.keys = Map.copyOf(keys);
  }

  /** No key: signatures are not checked (holes, duplicates and order still are). */
  public static VerificationKeys none() {
    return NONE;
  }

  /** The given public keys. */
  public static VerificationKeys of(List<PublicKey> publicKeys) {
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    publicKeys.forEach(key -> keys.put(keyId(key), key));
    return new VerificationKeys(keys);
  }

  /**
   * Every {@code -----BEGIN PUBLIC KEY-----} block of the given PEM files (as {@code openssl pkey
   * -pubout} writes them, or the {@code integrity.publicKey} of the Actuator).
   *
   * @throws IllegalArgumentException naming the file that holds no Ed25519 public key
   */
  public static VerificationKeys fromPem(List<Path> files) {
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    for (Path file : files) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "The public key file " + file + " cannot be read: " + e.getClass().getSimpleName());
      }
      int found = 0;
      String begin = "-----BEGIN PUBLIC KEY-----";
      String end = "-----END PUBLIC KEY-----";
      for (int from = text.indexOf(begin); from >= 0; from = text.indexOf(begin, from + 1)) {
        int to = text.indexOf(end, from);
        if (to < 0) {
          break;
        }
        PublicKey key = parse(file, text.substring(from + begin.length(), to));
        keys.put(keyId(key), key);
        found++;
      }
      if (found == 0) {
        throw new IllegalArgumentException(
            "The public key file " + file + " holds no '" + begin + "' block");
      }
    }
    return new VerificationKeys(keys);
  }

  private static PublicKey parse(Path file, String base64) {
    try {
      byte[] der = Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "The public key file " + file + " holds a key that is not an Ed25519 public key");
    }
  }

  /**
   * The id of a public key: {@code ed25519-} and the first 16 hex digits of the SHA-256 of its
   * X.509 encoding.
   */
  public static String keyId(PublicKey key) {
    return "ed25519-" + Digests.sha256(key.getEncoded()).substring(0, 16);
  }

  /** Whether no key is held. */
  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** The ids of the keys held. */
  public Set<String> keyIds() {
    return keys.keySet();
  }

  /** The key of {@code keyId}, if held. */
  public Optional<PublicKey> key(String keyId) {
    return Optional.ofNullable(keys.get(keyId));
  }

  /** Whether {@code signature} is a valid Ed25519 signature of {@code data} by {@code key}. */
  static boolean verify(PublicKey key, byte[] data, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(data);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "VerificationKeys" + keys.keySet();
  }
}
