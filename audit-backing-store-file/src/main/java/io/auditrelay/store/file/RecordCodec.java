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
    // The head, "<sequence> <cumulative> <appended at> <id> ", written without building a string.
    byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
    int headLength =
        decimalLength(sequence)
            + decimalLength(cumulativeBytes)
            + decimalLength(appendedAtMillis)
            + idBytes.length
            + 4;
    byte[] line = new byte[9 + headLength + payload.length + 1];
    int at = decimal(line, 9, sequence);
    line[at++] = ' ';
    at = decimal(line, at, cumulativeBytes);
    line[at++] = ' ';
    at = decimal(line, at, appendedAtMillis);
    line[at++] = ' ';
    System.arraycopy(idBytes, 0, line, at, idBytes.length);
    line[at + idBytes.length] = ' ';
    System.arraycopy(payload, 0, line, 9 + headLength, payload.length);
    CRC32C crc = new CRC32C();
    crc.update(line, 9, headLength + payload.length);
    long checksum = crc.getValue();
    for (int i = 7; i >= 0; i--) { // eight lower-case hex digits
      line[i] = HEX[(int) (checksum & 0xf)];
      checksum >>>= 4;
    }
    line[8] = ' ';
    line[line.length - 1] = '\n';
    return line;
  }

  /** The length of {@link Long#toString(long)} of {@code value}. */
  static int decimalLength(long value) {
    if (value < 0) {
      return value == Long.MIN_VALUE ? 20 : 1 + decimalLength(-value);
    }
    int length = 1;
    for (long bound = 10; length < 19 && value >= bound; bound *= 10) {
      length++;
    }
    return length;
  }

  /** Writes {@link Long#toString(long)} of {@code value} at {@code at}; returns the end. */
  static int decimal(byte[] out, int at, long value) {
    if (value < 0) {
      if (value == Long.MIN_VALUE) {
        byte[] min = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(min, 0, out, at, min.length);
        return at + min.length;
      }
      out[at] = '-';
      return decimal(out, at + 1, -value);
    }
    int end = at + decimalLength(value);
    for (int i = end - 1; i >= at; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    return end;
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
