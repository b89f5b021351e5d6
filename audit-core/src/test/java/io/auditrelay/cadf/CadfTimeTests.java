package io.auditrelay.cadf;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CadfTimeTests {

  /** The format as the spec's pattern says it, written by the JDK. */
  private static final DateTimeFormatter PATTERN =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

  @Test
  void theDigitsWrittenDirectlyAreThePatternsAndParseBack() {
    Random random = new Random(17);
    long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(
              first + (long) (random.nextDouble() * (last - first)), random.nextInt(1_000_000_000));
      String text = CadfTime.format(instant);
      assertThat(text).isEqualTo(PATTERN.format(instant));
      assertThat(CadfTime.parse(text)).isEqualTo(instant.truncatedTo(ChronoUnit.MICROS));
    }
    for (String edge :
        new String[] {
          "1970-01-01T00:00:00Z",
          "2024-02-29T23:59:59.999999999Z",
          "0000-01-01T00:00:00Z",
          "9999-12-31T23:59:59.999999Z",
          "1969-12-31T23:59:59.000001Z"
        }) {
      Instant instant = Instant.parse(edge);
      assertThat(CadfTime.format(instant)).isEqualTo(PATTERN.format(instant));
    }
  }

  @Test
  void yearsOutsideFourDigitsAreLeftToTheFormatter() {
    Instant before = Instant.parse("-0001-06-01T12:00:00Z");
    Instant after = Instant.parse("+10000-06-01T12:00:00Z");
    assertThat(CadfTime.format(before)).isEqualTo(PATTERN.format(before));
    assertThat(CadfTime.format(after)).isEqualTo(PATTERN.format(after));
  }
}
