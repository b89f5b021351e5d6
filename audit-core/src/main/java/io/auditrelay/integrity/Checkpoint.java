package io.auditrelay.integrity;

import io.auditrelay.cadf.Attachment;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A checkpoint of a stream: the epoch's start, a periodic checkpoint, or its clean end. It is an
 * event of the stream like any other (stamped, chained, stored, drained in order), with this
 * attachment before its stamp. Its signature covers the stream, epoch, sequence, chain head, time
 * and key id: the head proves every event before it, unaltered and in order.
 *
 * <p>A checkpoint at {@code seq} is made only once every event before it is durable (confirmed by
 * the broker or in the store), so a sequence missing below the last checkpoint is a loss or a
 * deletion, never a crash.
 *
 * @param kind start, checkpoint, or end
 * @param stream the stream
 * @param epoch the epoch
 * @param seq the checkpoint event's own sequence; it covers {@code 0 … seq - 1}
 * @param head the hash of the event at {@code seq - 1} (64 {@code 0}s for the start): the stamp's
 *     {@code prev}
 * @param time when it was made, in the CADF time format
 * @param key the signing key's id, or {@value IntegrityStamp#NO_KEY}
 * @param signature the Ed25519 signature of {@link #signedBytes()}, base64; null without a key
 */
public record Checkpoint(
    Kind kind,
    String stream,
    String epoch,
    long seq,
    String head,
    String time,
    String key,
    @Nullable String signature) {

  /** The {@code typeURI} of the checkpoint attachment. */
  public static final String TYPE_URI = "auditrelay:checkpoint/v1";

  /** The {@code name} of the checkpoint attachment. */
  public static final String NAME = "auditrelay-checkpoint";

  /** What a checkpoint marks. */
  public enum Kind {
    /** The first event of an epoch (seq 0). */
    START,
    /** Every N events or T milliseconds. */
    CHECKPOINT,
    /** The last event of an epoch that ended cleanly. */
    END;

    /** The name on the wire. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind ofWire(String wire) {
      for (Kind kind : values()) {
        if (kind.wire().equals(wire)) {
          return kind;
        }
      }
      throw new IllegalArgumentException("unknown checkpoint kind '" + wire + "'");
    }
  }

  /** Signs a new checkpoint with {@code key}, or leaves it unsigned when {@code key} is null. */
  public static Checkpoint signed(
      Kind kind,
      String stream,
      String epoch,
      long seq,
      String head,
      String time,
      @Nullable SigningKey key) {
    Checkpoint unsigned =
        new Checkpoint(
            kind,
            stream,
            epoch,
            seq,
            head,
            time,
            key == null ? IntegrityStamp.NO_KEY : key.keyId(),
            null);
    if (key == null) {
      return unsigned;
    }
    String signature = Base64.getEncoder().encodeToString(key.sign(unsigned.signedBytes()));
    return new Checkpoint(kind, stream, epoch, seq, head, time, key.keyId(), signature);
  }

  /** The bytes the signature covers: one line per field, in a fixed order. */
  public byte[] signedBytes() {
    return String.join(
            "\n",
            "auditrelay checkpoint v1",
            kind.wire(),
            stream,
            epoch,
            IntegrityStamp.seqText(seq),
            head,
            time,
            key)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Whether {@code keys} holds this checkpoint's key and its signature is valid. */
  public boolean verifiedBy(VerificationKeys keys) {
    if (signature == null) {
      return false;
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return keys.key(key).map(k -> VerificationKeys.verify(k, signedBytes(), raw)).orElse(false);
  }

  /** This checkpoint as the attachment of its event. */
  public Attachment attachment() {
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("kind", kind.wire());
    content.put("stream", stream);
    content.put("epoch", epoch);
    content.put("seq", IntegrityStamp.seqText(seq));
    content.put("head", head);
    content.put("time", time);
    content.put("key", key);
    if (signature != null) {
      content.put("signature", signature);
    }
    return new Attachment(TYPE_URI, NAME, content);
  }

  /**
   * The checkpoint read from an attachment's content.
   *
   * @throws IllegalArgumentException when it is not a checkpoint of this format
   */
  public static Checkpoint fromContent(@Nullable JsonNode content) {
    if (content == null || !content.isObject() || content.size() < 7 || content.size() > 8) {
      throw new IllegalArgumentException(
          "the checkpoint is not an object of seven or eight fields");
    }
    JsonNode signature = content.get("signature");
    if (content.size() == 8 && (signature == null || !signature.isString())) {
      throw new IllegalArgumentException("the checkpoint's signature is not a string");
    }
    String seq = IntegrityStamp.text(content, "seq");
    if (seq.length() != IntegrityStamp.SEQ_DIGITS || !seq.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("the checkpoint's seq is not 19 digits");
    }
    return new Checkpoint(
        Kind.ofWire(IntegrityStamp.text(content, "kind")),
        IntegrityStamp.text(content, "stream"),
        IntegrityStamp.text(content, "epoch"),
        Long.parseLong(seq),
        IntegrityStamp.text(content, "head"),
        IntegrityStamp.text(content, "time"),
        IntegrityStamp.text(content, "key"),
        signature == null ? null : signature.asString());
  }
}
