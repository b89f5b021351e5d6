package io.auditrelay.integrity;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The CADF event inside a message body, byte for byte: the body itself, or the {@code payload} of
 * an oslo.messaging notification (v1), or of the message inside a v2 envelope ({@code
 * oslo.message}, a JSON string). The integrity stamp, the chain and the MACs are over these CADF
 * bytes, so a trail published in an oslo format can be verified from the notifications, or from the
 * CADF payloads a pipeline kept of them. Bodies the Auditor did not write in one of these shapes
 * are taken as they are. Thread-safe.
 */
public final class WireBodies {

  private static final byte[] V1 = "{\"message_id\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] V2 = "{\"oslo.version\":".getBytes(StandardCharsets.US_ASCII);
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private WireBodies() {}

  /**
   * The CADF bytes of {@code body}: a copy of the payload of an oslo notification, else {@code
   * body} itself (also when an envelope cannot be read: the caller then finds no stamp in it).
   */
  public static byte[] cadf(byte[] body) {
    if (startsWith(body, V1)) {
      int[] range = payloadRange(body);
      return range == null ? body : Arrays.copyOfRange(body, range[0], range[1]);
    }
    if (startsWith(body, V2)) {
      byte[] message = innerMessage(body);
      if (message != null) {
        int[] range = payloadRange(message);
        return range == null ? body : Arrays.copyOfRange(message, range[0], range[1]);
      }
    }
    return body;
  }

  /**
   * {@code body} with its CADF bytes ({@link #cadf}) replaced by {@code cadf}: the same envelope
   * around the new event, or {@code cadf} itself when the body is a plain event.
   *
   * @throws IllegalArgumentException when {@code body} is an envelope that cannot be read
   */
  public static byte[] withCadf(byte[] body, byte[] cadf) {
    if (startsWith(body, V1)) {
      return splice(body, cadf);
    }
    if (startsWith(body, V2)) {
      byte[] message = innerMessage(body);
      if (message == null) {
        throw new IllegalArgumentException("an oslo.messaging v2 envelope that cannot be read");
      }
      Map<String, Object> envelope = new LinkedHashMap<>();
      envelope.put("oslo.version", "2.0");
      envelope.put("oslo.message", new String(splice(message, cadf), StandardCharsets.UTF_8));
      return MAPPER.writeValueAsBytes(envelope);
    }
    return cadf;
  }

  private static byte[] splice(byte[] message, byte[] cadf) {
    int[] range = payloadRange(message);
    if (range == null) {
      throw new IllegalArgumentException("an oslo.messaging notification without a payload object");
    }
    byte[] out = new byte[message.length - (range[1] - range[0]) + cadf.length];
    System.arraycopy(message, 0, out, 0, range[0]);
    System.arraycopy(cadf, 0, out, range[0], cadf.length);
    System.arraycopy(message, range[1], out, range[0] + cadf.length, message.length - range[1]);
    return out;
  }

  /** The {@code oslo.message} of a v2 envelope as UTF-8, or null. */
  private static byte @Nullable [] innerMessage(byte[] body) {
    try {
      JsonNode envelope = MAPPER.readTree(body);
      JsonNode message = envelope == null ? null : envelope.get("oslo.message");
      return message != null && message.isString()
          ? message.asString().getBytes(StandardCharsets.UTF_8)
          : null;
    } catch (JacksonException e) {
      return null;
    }
  }

  /**
   * The {@code id} of a CADF event's bytes (as {@link #cadf} gives them), read up to that field
   * only; null when it has none, it is not a string, or the bytes cannot be read up to it.
   */
  public static @Nullable String eventId(byte[] cadf) {
    return atField(
        cadf, "id", (parser, value) -> value == JsonToken.VALUE_STRING ? parser.getString() : null);
  }

  /** Where the top-level {@code payload} object of a notification lies: [from, to), or null. */
  private static int @Nullable [] payloadRange(byte[] message) {
    return atField(
        message,
        "payload",
        (parser, value) -> {
          if (value != JsonToken.START_OBJECT) {
            return null;
          }
          long from = parser.currentTokenLocation().getByteOffset();
          parser.skipChildren();
          long to = parser.currentTokenLocation().getByteOffset() + 1;
          return from < 0 || to <= from ? null : new int[] {(int) from, (int) to};
        });
  }

  /**
   * {@code read} applied to a parser standing on the value of the first top-level field {@code
   * name} of the JSON object {@code json}, and that value's token; null when {@code json} is not an
   * object, has no such field, or cannot be read up to it. Nothing after the field is read.
   */
  private static <T> @Nullable T atField(
      byte[] json, String name, BiFunction<JsonParser, JsonToken, @Nullable T> read) {
    try (JsonParser parser = MAPPER.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      for (JsonToken token = parser.nextToken();
          token == JsonToken.PROPERTY_NAME;
          token = parser.nextToken()) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (name.equals(field)) {
          return read.apply(parser, value);
        }
        parser.skipChildren();
      }
      return null;
    } catch (JacksonException e) {
      return null;
    }
  }

  private static boolean startsWith(byte[] body, byte[] prefix) {
    if (body.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (body[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
