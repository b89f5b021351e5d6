package io.auditrelay.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Resource;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

/**
 * {@link IntegrityStamp#locate} reads a stamp laid out as the Auditor writes it without a parser;
 * these tests hold that reading to the parser's, over the written layout and every one-byte change
 * of it, and check that other layouts are still read by the parser.
 */
class IntegrityStampTests {

  private static final String PREV = "0123456789abcdef".repeat(4);
  private static final String MAC = "fedcba9876543210".repeat(4);

  @Test
  void readsTheWrittenLayoutWithoutAParserAsTheParserDoes() {
    byte[] event = stamped("orders-api.replica-1", "k-2026:01", 42);
    int from = contentAt(event);

    IntegrityStamp written = IntegrityStamp.written(event, from);

    assertThat(written)
        .isEqualTo(
            new IntegrityStamp(
                "orders-api.replica-1", "00112233aabbccdd", 42, PREV, "k-2026:01", MAC));
    assertThat(written).isEqualTo(IntegrityStamp.parsed(event, from));
    IntegrityStamp.Located located = IntegrityStamp.locate(event).orElseThrow();
    assertThat(located.stamp()).isEqualTo(written);
    assertThat(new String(event, located.macOffset(), MAC.length(), StandardCharsets.US_ASCII))
        .isEqualTo(MAC);
  }

  @Test
  void agreesWithTheParserOnEveryOneByteChangeOfTheStamp() {
    byte[] original = stamped("svc", "none", 7);
    int from = contentAt(original);
    byte[] replacements = {' ', '"', '\\', 'A', '0', '9', 'g', ',', '}', 0x01, (byte) 0xC3};
    int fastPathReads = 0;
    for (int i = from; i < original.length; i++) {
      for (byte replacement : replacements) {
        byte[] event = original.clone();
        event[i] = replacement;
        Object fast = outcome(() -> IntegrityStamp.written(event, from));
        if (fast == null) {
          continue; // another layout: the parser reads it
        }
        fastPathReads++;
        Object parsed = outcome(() -> IntegrityStamp.parsed(event, from));
        if (fast instanceof IntegrityStamp) {
          assertThat(parsed).as("byte %d as %d", i, replacement).isEqualTo(fast);
        } else {
          assertThat(parsed).as("byte %d as %d", i, replacement).isInstanceOf(Exception.class);
        }
      }
    }
    assertThat(fastPathReads).isGreaterThan(100);
  }

  @Test
  void leavesOtherLayoutsToTheParser() {
    byte[] event = stamped("svc", "none", 7);
    String json = new String(event, StandardCharsets.UTF_8);
    for (String other :
        List.of(
            json.replace("{\"stream\":\"svc\"", "{ \"stream\" : \"svc\""),
            json.replace("{\"stream\":\"svc\"", "{\"stream\":\"\\u0073vc\""),
            json.replace(
                "\"key\":\"none\",\"mac\":\"" + MAC + "\"",
                "\"mac\":\"" + MAC + "\",\"key\":\"none\""))) {
      byte[] bytes = other.getBytes(StandardCharsets.UTF_8);
      assertThat(IntegrityStamp.written(bytes, contentAt(bytes))).isNull();
      IntegrityStamp.Located located = IntegrityStamp.locate(bytes).orElseThrow();
      assertThat(located.stamp())
          .isEqualTo(new IntegrityStamp("svc", "00112233aabbccdd", 7, PREV, "none", MAC));
    }
  }

  @Test
  void findsNoStampInAnInvalidOne() {
    byte[] event = stamped("svc", "none", 7);
    String json = new String(event, StandardCharsets.UTF_8);
    for (String invalid :
        List.of(
            json.replace(MAC, MAC.toUpperCase()),
            json.replace("0000000000000000007", "000000000000000000x"),
            json.replace("0000000000000000007", "9999999999999999999"),
            json.replace("\"stream\":\"svc\"", "\"stream\":\"\""))) {
      assertThat(IntegrityStamp.locate(invalid.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }
  }

  private static Object outcome(java.util.function.Supplier<IntegrityStamp> read) {
    Throwable thrown = catchThrowable(read::get);
    if (thrown == null) {
      return read.get();
    }
    assertThat(thrown).isInstanceOfAny(IllegalArgumentException.class, JacksonException.class);
    return thrown;
  }

  private static int contentAt(byte[] event) {
    int at = IntegrityStamp.lastStampAt(event);
    String json = new String(event, StandardCharsets.UTF_8);
    return json.indexOf("\"content\":", at) + "\"content\":".length();
  }

  private static byte[] stamped(String stream, String key, long seq) {
    Resource service = Resource.of("svc-1", "service");
    return CadfJson.write(
        CadfEvent.builder()
            .id("6f2bb4b5-2f3e-4a4c-9a52-0b4b1b3c1d2e")
            .eventTime(Instant.parse("2026-01-17T23:23:38.109989Z"))
            .action(Actions.READ)
            .outcome(Outcome.SUCCESS)
            .initiator(service)
            .target(service)
            .observer(service)
            .attachment(
                IntegrityStamp.attachment(
                    stream, "00112233aabbccdd", IntegrityStamp.seqText(seq), PREV, key, MAC))
            .build());
  }
}
