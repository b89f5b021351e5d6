package io.auditrelay.store.jdbc;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Payload bytes to column text and back. The Auditor's payloads are UTF-8 JSON, so text columns
 * keep them exactly; anything else is refused before it reaches the database, because a text column
 * could not give the same bytes back. Public for the other modules that keep events in text columns
 * (the archive); stateless.
 */
public final class Payloads {

  private Payloads() {}

  /**
   * The text of a payload, or null when a text column cannot keep it exactly: it is not strict
   * UTF-8 (lone surrogates included), or it contains U+0000, which PostgreSQL text cannot hold.
   */
  public static @Nullable String columnText(byte[] payload) {
    String text = strictUtf8(payload);
    return text == null || text.indexOf('\u0000') >= 0 ? null : text;
  }

  /**
   * The text of a payload.
   *
   * @throws IllegalArgumentException when the bytes are not strict UTF-8 (lone surrogates included)
   *     or contain U+0000, which PostgreSQL text cannot hold
   */
  static String text(String id, byte[] payload) {
    String text = strictUtf8(payload);
    if (text == null) {
      throw new IllegalArgumentException(
          "sql store: payload of event " + id + " is not valid UTF-8; it cannot be kept as text");
    }
    if (text.indexOf('\u0000') >= 0) {
      throw new IllegalArgumentException(
          "sql store: payload of event "
              + id
              + " contains U+0000, which a text column cannot hold (JSON writes it as \\u0000)");
    }
    return text;
  }

  private static @Nullable String strictUtf8(byte[] payload) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** The bytes of a payload read back from its column. */
  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** CRC32C of the payload bytes, stored beside them to detect a changed row. */
  static long crc(byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(payload);
    return crc.getValue();
  }
}
