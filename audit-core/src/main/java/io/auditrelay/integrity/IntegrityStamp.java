package io.auditrelay.integrity;

import io.auditrelay.cadf.Attachment;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The integrity stamp of one event: the last attachment of every event an Auditor with integrity
 * delivers, {@code
 * {"typeURI":"auditrelay:integrity/v1","name":"auditrelay-integrity","content":{…}}}.
 *
 * @param stream the producer stream, as configured ({@code audit.integrity.stream})
 * @param epoch the run of the stream: 16 hex digits, new at every start of the Auditor
 * @param seq the place in the epoch: 0 is the epoch's start checkpoint, then 1, 2, … without gaps
 *     in the order the Auditor delivers
 * @param prev the link ({@link Digests#link}, hex) of the event at {@code seq - 1}: the SHA-256 of
 *     its exact bytes with its MAC read as {@code 0}s; 64 {@code 0}s at {@code seq} 0. The hash
 *     chain
 * @param key the id of the signing key ({@link VerificationKeys#keyId}), or {@value #NO_KEY}
 * @param mac the drain's MAC ({@link TrailMac}); consumers ignore it
 */
public record IntegrityStamp(
    String stream, String epoch, long seq, String prev, String key, String mac) {

  /** The {@code typeURI} of the stamp attachment. */
  public static final String TYPE_URI = "auditrelay:integrity/v1";

  /** The {@code name} of the stamp attachment. */
  public static final String NAME = "auditrelay-integrity";

  /** The key id of a stamp made without a signing key (its MAC key lives for one process). */
  public static final String NO_KEY = "none";

  /** Digits of {@code seq} on the wire: zero-padded, so that a stamp has a fixed size. */
  public static final int SEQ_DIGITS = 19;

  private static final byte[] MARKER =
      ("{\"typeURI\":\"" + TYPE_URI + "\",\"name\":\"" + NAME + "\",\"content\":")
          .getBytes(StandardCharsets.US_ASCII);
  // Reads the stamp's object only: what follows it in the event is not its concern.
  private static final JsonMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  /** Validates the fields; see {@link #check}. */
  public IntegrityStamp {
    check(stream, epoch, seq, prev, key, mac);
  }

  private static void check(
      String stream, String epoch, long seq, String prev, String key, String mac) {
    if (stream == null || stream.isEmpty() || stream.length() > 200) {
      throw new IllegalArgumentException("stream must be 1 to 200 characters");
    }
    if (epoch == null || !lowerHex(epoch, 16)) {
      throw new IllegalArgumentException("epoch must be 16 lower-case hex digits");
    }
    if (seq < 0) {
      throw new IllegalArgumentException("seq must not be negative");
    }
    if (prev == null || !lowerHex(prev, Digests.HEX_LENGTH)) {
      throw new IllegalArgumentException("prev must be 64 lower-case hex digits");
    }
    if (key == null || !validKeyId(key)) {
      throw new IllegalArgumentException("key must be 1 to 64 of A-Z a-z 0-9 . _ : -");
    }
    if (mac == null || !lowerHex(mac, Digests.HEX_LENGTH)) {
      throw new IllegalArgumentException("mac must be 64 lower-case hex digits");
    }
  }

  /** Whether {@code key} may be a key id in a stamp. */
  public static boolean validKeyId(String key) {
    if (key.isEmpty() || key.length() > 64) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9')
          && ".-_:".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  // Loops, not patterns: every drained event's stamp is checked on the delivery thread.
  private static boolean lowerHex(String text, int length) {
    if (text.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static boolean digits(String text, int length) {
    if (text.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** {@code seq} as it is written: {@value #SEQ_DIGITS} digits. */
  public static String seqText(long seq) {
    String digits = Long.toString(seq);
    return "0".repeat(SEQ_DIGITS - digits.length()) + digits;
  }

  /**
   * The attachment with these values, in the field order every stamp has: stream, epoch, seq, prev,
   * key, mac.
   */
  public static Attachment attachment(
      String stream, String epoch, String seq, String prev, String key, String mac) {
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("stream", stream);
    content.put("epoch", epoch);
    content.put("seq", seq);
    content.put("prev", prev);
    content.put("key", key);
    content.put("mac", mac);
    return new Attachment(TYPE_URI, NAME, content);
  }

  /**
   * The stamp read from an attachment's content.
   *
   * @throws IllegalArgumentException when it is not a stamp of this format
   */
  public static IntegrityStamp fromContent(@Nullable JsonNode content) {
    if (content == null || !content.isObject() || content.size() != 6) {
      throw new IllegalArgumentException("the integrity stamp is not an object of six fields");
    }
    String seq = text(content, "seq");
    if (!digits(seq, SEQ_DIGITS)) {
      throw new IllegalArgumentException(
          "the integrity stamp's seq is not " + SEQ_DIGITS + " digits");
    }
    return new IntegrityStamp(
        text(content, "stream"),
        text(content, "epoch"),
        Long.parseLong(seq),
        text(content, "prev"),
        text(content, "key"),
        text(content, "mac"));
  }

  static String text(JsonNode content, String field) {
    JsonNode value = content.get(field);
    if (value == null || !value.isString()) {
      throw new IllegalArgumentException("the integrity field '" + field + "' is not a string");
    }
    return value.asString();
  }

  /** A stamp found in an event's bytes, and where its MAC lies. */
  public record Located(IntegrityStamp stamp, int macOffset) {}

  /**
   * Finds the stamp in an event's bytes without parsing the whole event: the last stamp attachment,
   * and the offset of its MAC. Empty when there is none or it does not parse. A found stamp proves
   * nothing by itself: check its MAC.
   */
  public static Optional<Located> locate(byte[] event) {
    int at = lastIndexOf(event, MARKER);
    if (at < 0) {
      return Optional.empty();
    }
    int from = at + MARKER.length;
    IntegrityStamp stamp;
    try {
      stamp = written(event, from);
      if (stamp == null) {
        stamp = parsed(event, from);
      }
    } catch (JacksonException | IllegalArgumentException e) {
      return Optional.empty();
    }
    byte[] macField = ("\"mac\":\"" + stamp.mac() + "\"").getBytes(StandardCharsets.US_ASCII);
    int mac = lastIndexOf(event, macField);
    if (mac < from) {
      return Optional.empty();
    }
    return Optional.of(new Located(stamp, mac + 7));
  }

  /** The stamp's content at {@code from}, read by a JSON parser. */
  static IntegrityStamp parsed(byte[] event, int from) {
    try (var parser = MAPPER.createParser(event, from, event.length - from)) {
      return fromContent(MAPPER.readValue(parser, JsonNode.class));
    }
  }

  private static final byte[] STREAM_FIELD = "{\"stream\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EPOCH_FIELD = "\",\"epoch\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SEQ_FIELD = "\",\"seq\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PREV_FIELD = "\",\"prev\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEY_FIELD = "\",\"key\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAC_FIELD = "\",\"mac\":\"".getBytes(StandardCharsets.US_ASCII);

  /**
   * The stamp's content at {@code from} when it is laid out as {@link #attachment} writes it (these
   * fields in this order, no white space, stream and key of printable ASCII without escapes), read
   * without a parser: every drained and verified event's stamp passes here. Null when it is laid
   * out otherwise: {@link #parsed} then reads it, and gives the same stamp for this layout.
   *
   * @throws IllegalArgumentException when the layout is this one but a value is not valid
   */
  static @Nullable IntegrityStamp written(byte[] event, int from) {
    int at = after(event, from, STREAM_FIELD);
    int end = plainTextEnd(event, at);
    if (end < 0) {
      return null;
    }
    String stream = new String(event, at, end - at, StandardCharsets.US_ASCII);
    at = after(event, end, EPOCH_FIELD);
    String epoch = text(event, at, 16);
    if (epoch == null) {
      return null;
    }
    at = after(event, at + 16, SEQ_FIELD);
    String seq = text(event, at, SEQ_DIGITS);
    if (seq == null) {
      return null;
    }
    at = after(event, at + SEQ_DIGITS, PREV_FIELD);
    String prev = text(event, at, Digests.HEX_LENGTH);
    if (prev == null) {
      return null;
    }
    at = after(event, at + Digests.HEX_LENGTH, KEY_FIELD);
    end = plainTextEnd(event, at);
    if (end < 0) {
      return null;
    }
    String key = new String(event, at, end - at, StandardCharsets.US_ASCII);
    at = after(event, end, MAC_FIELD);
    String mac = text(event, at, Digests.HEX_LENGTH);
    if (mac == null) {
      return null;
    }
    at += Digests.HEX_LENGTH;
    if (at + 2 > event.length || event[at] != '"' || event[at + 1] != '}') {
      return null;
    }
    if (!digits(seq, SEQ_DIGITS)) {
      throw new IllegalArgumentException(
          "the integrity stamp's seq is not " + SEQ_DIGITS + " digits");
    }
    return new IntegrityStamp(stream, epoch, Long.parseLong(seq), prev, key, mac);
  }

  /** The offset after {@code part} when it lies at {@code at}, else -1 (and -1 stays -1). */
  private static int after(byte[] bytes, int at, byte[] part) {
    if (at < 0 || at + part.length > bytes.length) {
      return -1;
    }
    for (int i = 0; i < part.length; i++) {
      if (bytes[at + i] != part[i]) {
        return -1;
      }
    }
    return at + part.length;
  }

  /**
   * Where the string value starting at {@code at} ends (its closing quote), when every byte before
   * is printable ASCII other than a backslash; else -1.
   */
  private static int plainTextEnd(byte[] bytes, int at) {
    if (at < 0) {
      return -1;
    }
    for (int i = at; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '"') {
        return i;
      }
      if (b < 0x20 || b > 0x7e || b == '\\') {
        return -1;
      }
    }
    return -1;
  }

  /**
   * The {@code length} bytes at {@code at} as text, when they are printable ASCII without a quote.
   */
  private static @Nullable String text(byte[] bytes, int at, int length) {
    if (at < 0 || at + length > bytes.length) {
      return null;
    }
    for (int i = at; i < at + length; i++) {
      byte b = bytes[i];
      if (b < 0x20 || b > 0x7e || b == '"' || b == '\\') {
        return null;
      }
    }
    return new String(bytes, at, length, StandardCharsets.US_ASCII);
  }

  /** Where the last stamp attachment of an event begins in its bytes (its opening brace), or -1. */
  public static int lastStampAt(byte[] event) {
    return lastIndexOf(event, MARKER);
  }

  /** The last index of {@code part} in {@code bytes}, or -1: how stamps are found in bytes. */
  public static int lastIndexOf(byte[] bytes, byte[] part) {
    outer:
    for (int i = bytes.length - part.length; i >= 0; i--) {
      for (int j = 0; j < part.length; j++) {
        if (bytes[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
