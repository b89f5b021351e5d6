package io.auditrelay.integrity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;

/**
 * The MAC of a stored event, which lets the drain tell an event it stamped from one edited or
 * forged in the store: HMAC-SHA256 over the event's link ({@link Digests#link}, the SHA-256 of its
 * bytes with its own MAC read as 64 {@code 0}s). The key is derived from a {@link SigningKey}, or
 * random for one process when no key is configured. Consumers cannot check it (it is not a
 * signature); they check the chain and the checkpoints. Not thread-safe: one per thread.
 */
public final class TrailMac {

  private static final byte[] ZEROS = Digests.ZERO.getBytes(StandardCharsets.US_ASCII);

  private final Mac mac;

  private TrailMac(byte[] key) {
    this.mac = Digests.hmac(key);
    Arrays.fill(key, (byte) 0);
  }

  private TrailMac(Mac mac) {
    this.mac = mac;
  }

  /** The MAC of the events stamped under {@code key}. */
  public static TrailMac of(SigningKey key) {
    return new TrailMac(key.macKey());
  }

  /** A MAC whose key lives as long as this process: events stamped by it are checked by it only. */
  public static TrailMac random() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new TrailMac(key);
  }

  /** A MAC with the same key, for another thread. */
  public TrailMac copy() {
    try {
      return new TrailMac((Mac) mac.clone());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("The HMAC-SHA256 of this JDK cannot be copied", e);
    }
  }

  /**
   * The MAC of {@code event}, whose MAC occupies the 64 bytes at {@code macOffset} (their content
   * is ignored), in hex.
   */
  public String compute(byte[] event, int macOffset) {
    return over(Digests.link(event, macOffset));
  }

  /** The MAC of the event whose {@link Digests#link} is {@code link}, in hex. */
  public String over(byte[] link) {
    return Digests.hex(mac.doFinal(link));
  }

  /** {@link #over} as ASCII bytes. */
  public byte[] overBytes(byte[] link) {
    return Digests.hexBytes(mac.doFinal(link));
  }

  /** Whether {@code event} carries, at {@code macOffset}, its MAC under this key. */
  public boolean matches(byte[] event, int macOffset) {
    if (macOffset < 0 || macOffset + ZEROS.length > event.length) {
      return false;
    }
    byte[] expected = compute(event, macOffset).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(
        expected, Arrays.copyOfRange(event, macOffset, macOffset + ZEROS.length));
  }
}
