package io.auditrelay.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record's head is written digit by digit; it must read as the format says. */
class RecordCodecTests {

  @Test
  void writesNumbersAsLongToStringDoes() {
    List<Long> values = new ArrayList<>(List.of(0L, Long.MAX_VALUE, Long.MIN_VALUE));
    for (long power = 1; ; power *= 10) { // 10^0 to 10^18
      values.addAll(List.of(power - 1, power, power + 1, -power));
      if (power > Long.MAX_VALUE / 10) {
        break;
      }
    }
    for (long value : values) {
      byte[] out = new byte[24];
      int end = RecordCodec.decimal(out, 2, value);
      assertThat(new String(out, 2, end - 2, StandardCharsets.US_ASCII))
          .as("%d", value)
          .isEqualTo(Long.toString(value));
      assertThat(RecordCodec.decimalLength(value)).isEqualTo(Long.toString(value).length());
    }
  }

  @Test
  void encodesTheDocumentedLayoutAndDecodesIt() {
    byte[] payload = "{\"id\":\"e-1\"}".getBytes(StandardCharsets.UTF_8);

    byte[] line = RecordCodec.encode(1234567890123L, 98765, 1767225600000L, "e-1", payload);

    String text = new String(line, StandardCharsets.UTF_8);
    assertThat(text.substring(8))
        .isEqualTo(" 1234567890123 98765 1767225600000 e-1 {\"id\":\"e-1\"}\n");
    RecordCodec.Decoded decoded = RecordCodec.decode(line, line.length - 1);
    assertThat(decoded).isNotNull();
    assertThat(decoded.sequence()).isEqualTo(1234567890123L);
    assertThat(decoded.cumulativeBytes()).isEqualTo(98765);
    assertThat(decoded.appendedAtMillis()).isEqualTo(1767225600000L);
    assertThat(decoded.id()).isEqualTo("e-1");
    assertThat(decoded.payload()).isEqualTo(payload);
  }
}
