package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditrelay.cadf.Attachment;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.CadfValidationException;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import io.auditrelay.testsupport.Deliveries;
import io.auditrelay.testsupport.QueueReader.Delivered;
import io.auditrelay.testsupport.TestEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Bad input through a running Auditor (docs/reliability.md, the bad-input row): each refusal is
 * immediate, names what to fix, is counted, and costs nothing that was already accepted; hostile
 * strings arrive as one inert message each, byte for byte. The rule-by-rule checks live in {@code
 * CadfValidatorTests}, {@code CadfJsonTests} and {@code BackingStoreRegistryTests}; this sweep runs
 * them against the pipeline interleaved with good events.
 */
class BadInputTests extends BrokerTestSupport {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private static final List<String> HOSTILE =
      List.of(
          "line\nbreak",
          "\"}{\"",
          "\u001b[31mred\u001b[0m\u001b]0;title\u0007",
          "tab\tcr\rform\f",
          "</script><script>alert(1)</script>",
          "\\\"},{\"id\":\"forged",
          "\u2028\u2029 separators",
          "emoji \uD83D\uDE00 and RTL \u202Eevil");

  @Test
  void refusesBadEventsAtOnceNamingTheFieldAndLosesNoGoodOne() throws Exception {
    Auditor auditor = closeLater(auditor(broker.uri()).maxEventSize(16 * 1024).build());
    List<CompletableFuture<Void>> accepted = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    int good = 0;

    for (int round = 0; round < 5; round++) {
      accepted.add(auditor.record(TestEvents.event("bad", good)));
      keys.add(TestEvents.key("bad", good++));

      CadfEvent noAction = TestEvents.event("bad", 999).toBuilder().action(null).build();
      assertThatThrownBy(() -> auditor.record(noAction))
          .isInstanceOf(CadfValidationException.class)
          .hasMessageContaining("action");

      CadfEvent loneSurrogate =
          TestEvents.event("bad", 999).toBuilder().name("broken \uD800 text").build();
      assertThatThrownBy(() -> auditor.record(loneSurrogate))
          .isInstanceOf(CadfValidationException.class)
          .hasMessageContaining("name");

      CadfEvent oversized =
          TestEvents.event("bad", 999).toBuilder()
              .attachment(new Attachment("mime:text/plain", "dump", "x".repeat(20_000)))
              .build();
      assertThatThrownBy(() -> auditor.record(oversized))
          .isInstanceOf(CadfValidationException.class)
          .hasMessageContaining("(maxEventSize)");

      accepted.add(auditor.record(TestEvents.event("bad", good)));
      keys.add(TestEvents.key("bad", good++));
    }

    CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new))
        .get(60, java.util.concurrent.TimeUnit.SECONDS);
    Deliveries.of(reader.awaitAtLeast(keys.size(), WAIT))
        .inProducerOrder()
        .containsAll(keys, "good events around bad ones")
        .onlyFrom(keys, "nothing of a refused event");
    assertThat(count("audit.events.recorded")).isEqualTo(keys.size());
    assertThat(rejected("invalid")).isEqualTo(10);
    assertThat(rejected("oversize")).isEqualTo(5);
    assertThat(count("audit.events.lost")).isZero();
  }

  @Test
  void hostileStringsArriveAsOneInertMessageEachByteForByte() throws Exception {
    Auditor auditor = closeLater(auditor(broker.uri()).build());
    List<CadfEvent> recorded = new ArrayList<>();
    for (int i = 0; i < HOSTILE.size(); i++) {
      String hostile = HOSTILE.get(i);
      CadfEvent event =
          TestEvents.event("hostile", i).toBuilder()
              .name(hostile)
              .target(Resource.builder("t-" + i, ResourceTypes.DATA).name(hostile).build())
              .attachment(new Attachment("mime:text/plain", hostile, hostile))
              .build();
      auditor.record(event).get(60, java.util.concurrent.TimeUnit.SECONDS);
      recorded.add(event);
    }

    List<Delivered> delivered = reader.awaitAtLeast(HOSTILE.size(), WAIT);
    assertThat(delivered).hasSize(HOSTILE.size());
    for (int i = 0; i < HOSTILE.size(); i++) {
      byte[] body = delivered.get(i).body();
      for (byte b : body) {
        assertThat(b & 0xff)
            .as("no raw control byte in message %d", i)
            .isGreaterThanOrEqualTo(0x20);
      }
      CadfEvent back = CadfJson.read(body);
      assertThat(back.name()).isEqualTo(HOSTILE.get(i));
      assertThat(back.target().name()).isEqualTo(HOSTILE.get(i));
      assertThat(back.id()).isEqualTo(delivered.get(i).messageId());
      assertThat(new String(body, StandardCharsets.UTF_8)).startsWith("{").endsWith("}");
    }
    assertThat(count("audit.events.lost")).isZero();
  }

  @Test
  void aDeeplyNestedDocumentIsRefusedWithAnErrorNotAStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    String json =
        "{\"typeURI\":\"http://schemas.dmtf.org/cloud/audit/1.0/event\",\"x\":" + deep + "}";

    assertThatThrownBy(() -> CadfJson.read(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Not a readable CADF event");
  }

  private double rejected(String reason) {
    return registry.find("audit.events.rejected").tag("reason", reason).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }
}
