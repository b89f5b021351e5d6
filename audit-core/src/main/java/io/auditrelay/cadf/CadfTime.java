package io.auditrelay.cadf;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;

/**
 * The CADF timestamp format: UTC, a fixed six-digit fraction and a numeric offset ({@code
 * 2026-01-17T23:23:38.109989+00:00}). {@code Z} is forbidden by the spec, so {@link
 * Instant#toString()} cannot be used.
 */
public final class CadfTime {

  private static final DateTimeFormatter WRITER =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

  // Readers take any fraction length and both "+00:00" (ours) and "+0000" (pycadf), never "Z".
  private static final DateTimeFormatter READER =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH:MM", "+00:00")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMM", "+0000")
          .optionalEnd()
          .toFormatter();

  private CadfTime() {}

  /**
   * Formats {@code instant} in the CADF format, truncated to microseconds. Every event's time
   * passes here: the digits are written directly for the years 0 to 9999, the formatter serves the
   * rest.
   */
  public static String format(Instant instant) {
    LocalDateTime t =
        LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    if (t.getYear() < 0 || t.getYear() > 9999) {
      return WRITER.format(instant);
    }
    byte[] text = TEMPLATE.clone();
    digits(text, 0, t.getYear(), 4);
    digits(text, 5, t.getMonthValue(), 2);
    digits(text, 8, t.getDayOfMonth(), 2);
    digits(text, 11, t.getHour(), 2);
    digits(text, 14, t.getMinute(), 2);
    digits(text, 17, t.getSecond(), 2);
    digits(text, 20, t.getNano() / 1000, 6);
    return new String(text, StandardCharsets.US_ASCII);
  }

  private static final byte[] TEMPLATE =
      "0000-00-00T00:00:00.000000+00:00".getBytes(StandardCharsets.US_ASCII);

  /** Writes {@code value} as {@code width} decimal digits ending before {@code at + width}. */
  private static void digits(byte[] text, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  /**
   * Parses a CADF timestamp.
   *
   * @throws IllegalArgumentException when the text has no numeric offset or is not a timestamp
   */
  public static Instant parse(String text) {
    try {
      return READER.parse(text, Instant::from);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "not a CADF timestamp: expected a numeric offset, e.g. 2026-01-17T23:23:38.109989+00:00"
              + " (Z is not allowed), got '"
              + text
              + "'",
          e);
    }
  }

  static @Nullable Instant truncate(@Nullable Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
  }
}
