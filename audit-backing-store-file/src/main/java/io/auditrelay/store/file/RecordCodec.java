package io.auditrelay.store.file;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * One record per line, readable by a person:
 *
 * <pre>
 * {@code <crc32c, 8 hex> <sequence> <cumulative payload bytes> <appended at, epoch ms> <id> <payload>\n}
 * </pre>
 *
 * The checksum covers everything between the first space and the newline. Payloads never contain a
 * raw newline (CADF JSON escapes it); the store refuses one that does.
 */
final class RecordCodec {

  /** A decoded record. */
  record Decoded(
      long sequence, long cumulativeBytes, long appendedAtMillis, String id, byte[] payload) {}

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private RecordCodec() {}

  static byte[] encode(
      long sequence, long cumulativeBytes, long appendedAtMillis, String id, byte[] payload) {
    byte[] head =
        (sequence + " " + cumulativeBytes + " " + appendedAtMillis + " " + id + " ")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] line = new byte[9 + head.length + payload.length + 1];
    System.arraycopy(head, 0, line, 9, head.length);
    System.arraycopy(payload, 0, line, 9 + head.length, payload.length);
    CRC32C crc = new CRC32C();
    crc.update(line, 9, head.length + payload.length);
    long checksum = crc.getValue();
    for (int i = 7; i >= 0; i--) { // eight lower-case hex digits
      line[i] = HEX[(int) (checksum & 0xf)];
      checksum >>>= 4;
    }
    line[8] = ' ';
    line[line.length - 1] = '\n';
    return line;
  }

  /** Decodes a line without its newline; null when it is torn or corrupt. */
  static @Nullable Decoded decode(byte[] line, int length) {
    if (length < 9 || line[8] != ' ') {
      return null;
    }
    long expected;
    try {
      expected = Long.parseLong(new String(line, 0, 8, StandardCharsets.US_ASCII), 16);
    } catch (NumberFormatException e) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(line, 9, length - 9);
    if (crc.getValue() != expected) {
      return null;
    }
    int[] spaces = new int[4];
    int found = 0;
    for (int i = 9; i < length && found < 4; i++) {
      if (line[i] == ' ') {
        spaces[found++] = i;
      }
    }
    if (found < 4) {
      return null;
    }
    try {
      long sequence = Long.parseLong(ascii(line, 9, spaces[0]));
      long cumulative = Long.parseLong(ascii(line, spaces[0] + 1, spaces[1]));
      long appendedAt = Long.parseLong(ascii(line, spaces[1] + 1, spaces[2]));
      String id = ascii(line, spaces[2] + 1, spaces[3]);
      byte[] payload = Arrays.copyOfRange(line, spaces[3] + 1, length);
      return new Decoded(sequence, cumulative, appendedAt, id, payload);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String ascii(byte[] bytes, int from, int to) {
    return new String(bytes, from, to - from, StandardCharsets.US_ASCII);
  }
}
