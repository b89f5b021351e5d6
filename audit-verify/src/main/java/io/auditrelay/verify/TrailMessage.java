package io.auditrelay.verify;

import io.auditrelay.integrity.Checkpoint;
import io.auditrelay.integrity.Digests;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.VerificationKeys;
import io.auditrelay.integrity.WireBodies;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one message body says about the trail, read on its own: its integrity stamp, the checkpoint
 * it carries if any, and its hash (the link of a stamped event, {@link Digests#link}). What needs
 * other messages (links, holes, cuts) is {@link TrailVerifier}'s.
 *
 * @param kind whether the body is a stamped event, an event without a stamp, or unreadable
 * @param id the event's CADF {@code id}, or null when it has none, is unreadable, or was read by
 *     {@link #readForChain}
 * @param stamp the stamp; null unless {@code kind} is {@link Kind#STAMPED}
 * @param checkpoint the checkpoint the event carries, or null
 * @param hash lower-case hex: a stamped body's link (SHA-256 with its MAC read as {@code 0}s), else
 *     the SHA-256 of the body
 */
public record TrailMessage(
    Kind kind,
    @Nullable String id,
    @Nullable IntegrityStamp stamp,
    @Nullable Checkpoint checkpoint,
    String hash) {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final byte[] CHECKPOINT_MARKER =
      ("{\"typeURI\":\"" + Checkpoint.TYPE_URI + "\",\"name\":\"" + Checkpoint.NAME + "\"")
          .getBytes(StandardCharsets.US_ASCII);

  /** What a body is. */
  public enum Kind {
    /** A JSON object with exactly one readable integrity stamp. */
    STAMPED,
    /** A JSON object without an integrity stamp (a producer without integrity). */
    UNSTAMPED,
    /** Not a JSON object, or with a stamp or checkpoint that cannot be read, or two stamps. */
    UNREADABLE
  }

  /**
   * Reads what the chain needs of one body, without parsing the whole event where it can: an event
   * whose stamp is found in its bytes ({@link IntegrityStamp#locate}) and that carries no
   * checkpoint is taken as it is, with no {@code id}; anything else is {@link #read}. An event
   * altered so that it no longer parses is then caught by the chain, which covers every byte. Never
   * throws.
   */
  public static TrailMessage readForChain(byte[] message) {
    byte[] body = WireBodies.cadf(message);
    Optional<IntegrityStamp.Located> located = IntegrityStamp.locate(body);
    if (located.isPresent() && IntegrityStamp.lastIndexOf(body, CHECKPOINT_MARKER) < 0) {
      return new TrailMessage(
          Kind.STAMPED,
          null,
          located.get().stamp(),
          null,
          Digests.linkHex(body, located.get().macOffset()));
    }
    return read(body);
  }

  /** Reads one body; never throws. */
  public static TrailMessage read(byte[] message) {
    byte[] body = WireBodies.cadf(message);
    Optional<IntegrityStamp.Located> located = IntegrityStamp.locate(body);
    // A stamped event's hash is its link (its MAC read as 0s), the rest's the plain SHA-256.
    String hash =
        located.isPresent()
            ? Digests.linkHex(body, located.get().macOffset())
            : Digests.sha256(body);
    JsonNode event;
    try {
      event = MAPPER.readTree(body);
    } catch (JacksonException e) {
      return new TrailMessage(Kind.UNREADABLE, null, null, null, hash);
    }
    if (event == null || !event.isObject()) {
      return new TrailMessage(Kind.UNREADABLE, null, null, null, hash);
    }
    JsonNode idNode = event.get("id");
    String id = idNode != null && idNode.isString() ? idNode.asString() : null;
    JsonNode stampNode = null;
    JsonNode checkpointNode = null;
    int stamps = 0;
    JsonNode attachments = event.get("attachments");
    if (attachments != null && attachments.isArray()) {
      for (JsonNode attachment : attachments) {
        String type = attachment.path("typeURI").asString("");
        if (IntegrityStamp.TYPE_URI.equals(type)) {
          stampNode = attachment.get("content");
          stamps++;
        } else if (Checkpoint.TYPE_URI.equals(type)) {
          checkpointNode = attachment.get("content");
        }
      }
    }
    if (stamps == 0) {
      return new TrailMessage(Kind.UNSTAMPED, id, null, null, hash);
    }
    try {
      if (stamps > 1) {
        throw new IllegalArgumentException("more than one stamp");
      }
      return new TrailMessage(
          Kind.STAMPED,
          id,
          IntegrityStamp.fromContent(stampNode),
          checkpointNode == null ? null : Checkpoint.fromContent(checkpointNode),
          hash);
    } catch (IllegalArgumentException e) {
      return new TrailMessage(Kind.UNREADABLE, null, null, null, hash);
    }
  }

  /**
   * What is wrong with the checkpoint this event carries, or null when it has none or it proves
   * itself: it agrees with the event's own stamp and, with keys given, its signature verifies.
   */
  public @Nullable String checkpointProblem(VerificationKeys keys) {
    if (checkpoint == null || stamp == null) {
      return null;
    }
    boolean consistent =
        checkpoint.stream().equals(stamp.stream())
            && checkpoint.epoch().equals(stamp.epoch())
            && checkpoint.seq() == stamp.seq()
            && checkpoint.head().equals(stamp.prev())
            && checkpoint.key().equals(stamp.key());
    if (!consistent) {
      return "seq " + stamp.seq() + ": a checkpoint that contradicts its own stamp";
    }
    if (!keys.isEmpty() && !checkpoint.verifiedBy(keys)) {
      return "seq "
          + stamp.seq()
          + ": a checkpoint whose signature does not verify under key "
          + checkpoint.key()
          + " (forged, or signed by a key not given)";
    }
    return null;
  }
}
