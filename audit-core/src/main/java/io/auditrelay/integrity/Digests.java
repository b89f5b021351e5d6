package io.auditrelay.integrity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** SHA-256 and HMAC-SHA256 of the trail, in lower-case hex. */
public final class Digests {

  /** Length of a hash or MAC in hex characters. */
  public static final int HEX_LENGTH = 64;

  /** The hash before the first event of an epoch. */
  public static final String ZERO = "0".repeat(HEX_LENGTH);

  private static final HexFormat HEX = HexFormat.of();

  private Digests() {}

  private static final byte[] ZEROS = ZERO.getBytes(StandardCharsets.US_ASCII);

  /** SHA-256 of {@code bytes}, in hex. */
  public static String sha256(byte[] bytes) {
    return HEX.formatHex(sha256().digest(bytes));
  }

  /**
   * The link of a stamped event, raw: SHA-256 of its bytes with the {@value #HEX_LENGTH} bytes of
   * its MAC, at {@code macOffset}, read as {@code 0}s. The next event of its epoch records it (in
   * hex) as {@code prev}, and its MAC is made over it ({@link TrailMac}): one pass over the bytes
   * serves both.
   */
  public static byte[] link(byte[] event, int macOffset) {
    MessageDigest digest = sha256();
    digest.update(event, 0, macOffset);
    digest.update(ZEROS);
    digest.update(event, macOffset + HEX_LENGTH, event.length - macOffset - HEX_LENGTH);
    return digest.digest();
  }

  /** {@link #link} in hex. */
  public static String linkHex(byte[] event, int macOffset) {
    return HEX.formatHex(link(event, macOffset));
  }

  /** A new SHA-256 digest. */
  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no SHA-256", e);
    }
  }

  /** A new HMAC-SHA256 with {@code key}. */
  static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JVM has no HmacSHA256", e);
    }
  }

  /** HMAC-SHA256 of {@code data} under {@code key}, as raw bytes. */
  static byte[] hmac(byte[] key, String data) {
    return hmac(key).doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  /** Hex of {@code bytes}. */
  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** Hex of {@code bytes}, as ASCII bytes: what the stamper writes into an event. */
  public static byte[] hexBytes(byte[] bytes) {
    byte[] hex = new byte[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      hex[2 * i] = DIGITS[(bytes[i] >> 4) & 0xF];
      hex[2 * i + 1] = DIGITS[bytes[i] & 0xF];
    }
    return hex;
  }

  /** Whether two hex strings are equal, in time independent of where they differ. */
  static boolean sameHex(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
