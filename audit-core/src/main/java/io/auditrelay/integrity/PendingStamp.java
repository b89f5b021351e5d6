package io.auditrelay.integrity;

import io.auditrelay.cadf.Attachment;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The seal of an event that waits in the store for its place in the stream: in transactional
 * delivery, an event is inserted with the caller's transaction, before any delivery order exists,
 * so it carries this attachment instead of an {@link IntegrityStamp}, {@code
 * {"typeURI":"auditrelay:integrity-pending/v1","name":"auditrelay-integrity","content":{"stream":…,"epoch":…,"key":…,"mac":…}}}.
 * Its MAC ({@link TrailMac}, over the event's bytes with the MAC zeroed) lets the drain prove that
 * the stored bytes are those the Auditor inserted; the drain then replaces the seal, in place of
 * these bytes, with the stamp of its own stream, and stores the stamped bytes before it publishes
 * them. A consumer never receives a pending seal: an event carrying one has no stamp.
 *
 * @param stream the stream of the Auditor that inserted the event
 * @param epoch its epoch, which picks the MAC key when no signing key is configured
 * @param key the id of the signing key that keys the MAC, or {@value IntegrityStamp#NO_KEY}
 * @param mac the MAC, 64 hex digits
 */
public record PendingStamp(String stream, String epoch, String key, String mac) {

  /** The {@code typeURI} of the seal. */
  public static final String TYPE_URI = "auditrelay:integrity-pending/v1";

  private static final byte[] MARKER =
      ("{\"typeURI\":\"" + TYPE_URI + "\",\"name\":\"" + IntegrityStamp.NAME + "\",\"content\":")
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\"}}".getBytes(StandardCharsets.US_ASCII);
  private static final JsonMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  /** The attachment, in the field order every seal has: stream, epoch, key, mac. */
  public static Attachment attachment(String stream, String epoch, String key, String mac) {
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("stream", stream);
    content.put("epoch", epoch);
    content.put("key", key);
    content.put("mac", mac);
    return new Attachment(TYPE_URI, IntegrityStamp.NAME, content);
  }

  /**
   * A seal found in an event's bytes: the seal, where its MAC lies, and the bytes of the whole
   * attachment, {@code [from, to)}, which the stamp replaces.
   */
  public record Located(PendingStamp seal, int macOffset, int from, int to) {}

  /**
   * Finds the seal in an event's bytes: the last seal attachment. Empty when there is none or it
   * does not parse. A found seal proves nothing by itself: check its MAC.
   */
  public static Optional<Located> locate(byte[] event) {
    int at = IntegrityStamp.lastIndexOf(event, MARKER);
    if (at < 0) {
      return Optional.empty();
    }
    int from = at + MARKER.length;
    PendingStamp seal;
    try (var parser = MAPPER.createParser(event, from, event.length - from)) {
      JsonNode content = MAPPER.readValue(parser, JsonNode.class);
      if (content == null || !content.isObject() || content.size() != 4) {
        return Optional.empty();
      }
      seal =
          new PendingStamp(
              IntegrityStamp.text(content, "stream"),
              IntegrityStamp.text(content, "epoch"),
              IntegrityStamp.text(content, "key"),
              IntegrityStamp.text(content, "mac"));
    } catch (JacksonException | IllegalArgumentException e) {
      return Optional.empty();
    }
    byte[] macField = ("\"mac\":\"" + seal.mac() + "\"").getBytes(StandardCharsets.US_ASCII);
    int mac = IntegrityStamp.lastIndexOf(event, macField);
    int macOffset = mac + 7;
    int to = macOffset + Digests.HEX_LENGTH + END.length;
    if (mac < from
        || seal.mac().length() != Digests.HEX_LENGTH
        || to > event.length
        || !regionIs(event, to - END.length, END)) {
      return Optional.empty();
    }
    return Optional.of(new Located(seal, macOffset, at, to));
  }

  private static boolean regionIs(byte[] bytes, int from, byte[] expected) {
    for (int i = 0; i < expected.length; i++) {
      if (bytes[from + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }
}
