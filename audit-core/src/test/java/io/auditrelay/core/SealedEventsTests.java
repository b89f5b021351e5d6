package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.CadfValidator;
import io.auditrelay.cadf.Resource;
import io.auditrelay.integrity.Integrity;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.PendingStamp;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.integrity.TrailMac;
import io.auditrelay.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Events of transactional delivery with integrity: sealed in {@code record()}, checked and stamped
 * by the drain. The stamp replaces the seal in place; an edited seal, a seal where none may be, and
 * a replayed seal are refused.
 */
class SealedEventsTests {

  private final SigningKey key = SigningKey.generate();
  private final Stamper stamper =
      new Stamper(
          Integrity.builder("billing@pod-1").signingKey(key).build(),
          Resource.of("service-1", "service"),
          Clock.systemUTC(),
          new WireFormat(MessageFormat.CADF, "audit-relay", "audit.http.request"));

  /** An event as {@code record()} completes it: id, time and observer set. */
  private static CadfEvent event(int n) {
    return AuditorIntegrationTests.event(0, n)
        .withDefaults(Clock.systemUTC(), Resource.of("service-1", "service"));
  }

  private byte[] sealed(CadfEvent event) {
    byte[] payload = CadfJson.write(stamper.withPending(event));
    stamper.seal(payload);
    return payload;
  }

  private static StoredEvent stored(long sequence, CadfEvent event, byte[] payload) {
    return new StoredEvent(sequence, event.id(), payload);
  }

  private List<String> judge(DrainCheck check, StoredEvent... events) {
    List<StoredEvent> admitted = new ArrayList<>();
    List<String> why = new ArrayList<>();
    check.admit(List.of(events), admitted).forEach(t -> why.add(t.why()));
    return why;
  }

  @Test
  void theDrainsStampReplacesTheSealInPlaceAndIsProvenByItsMac() {
    CadfEvent event = event(1);
    byte[] payload = sealed(event);
    DrainCheck check = new DrainCheck(stamper, List.of(), true, false);
    assertThat(judge(check, stored(1, event, payload))).isEmpty();

    PendingStamp.Located seal = PendingStamp.locate(payload).orElseThrow();
    byte[] stamped = stamper.stampPending(payload, seal);

    // Everything before the seal is unchanged, byte for byte; the seal is gone.
    assertThat(Arrays.copyOf(stamped, seal.from())).isEqualTo(Arrays.copyOf(payload, seal.from()));
    assertThat(new String(stamped, StandardCharsets.UTF_8)).doesNotContain(PendingStamp.TYPE_URI);
    CadfEvent read = CadfJson.read(stamped);
    CadfValidator.validate(read);
    assertThat(read.attachments().get(read.attachments().size() - 1).typeURI())
        .isEqualTo(IntegrityStamp.TYPE_URI);
    IntegrityStamp.Located stamp = IntegrityStamp.locate(stamped).orElseThrow();
    assertThat(stamp.stamp().seq()).isZero();
    assertThat(stamp.stamp().stream()).isEqualTo("billing@pod-1");
    assertThat(TrailMac.of(key).matches(stamped, stamp.macOffset())).isTrue();
    // The next one chains to it.
    CadfEvent second = event(2);
    byte[] next = sealed(second);
    byte[] nextStamped = stamper.stampPending(next, PendingStamp.locate(next).orElseThrow());
    IntegrityStamp nextStamp = IntegrityStamp.locate(nextStamped).orElseThrow().stamp();
    assertThat(nextStamp.seq()).isEqualTo(1);
    assertThat(nextStamp.prev()).isEqualTo(IntegrityTests.linkOf(stamped, stamp.stamp().mac()));
  }

  @Test
  void anEditedSealIsTamperedWithAndASealIsRefusedWhereNoneMayBe() {
    CadfEvent event = event(1);
    byte[] payload = sealed(event);
    byte[] edited =
        new String(payload, StandardCharsets.UTF_8)
            .replace("\"id\":\"user-0\"", "\"id\":\"adm-00\"")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(edited).isNotEqualTo(payload);

    assertThat(judge(new DrainCheck(stamper, List.of(), true, false), stored(1, event, edited)))
        .containsExactly("its MAC does not match its bytes: edited or forged in the store");
    // A store whose events are never sealed (not a transactional one): a seal is no stamp.
    assertThat(judge(new DrainCheck(stamper, List.of(), false, true), stored(1, event, payload)))
        .containsExactly("it carries no readable integrity stamp");
  }

  @Test
  void aSealedEventStampedBeforeComesBackAsAReplay() {
    CadfEvent event = event(1);
    byte[] payload = sealed(event);
    DrainCheck check = new DrainCheck(stamper, List.of(), true, false);
    // Twice in one claim: the second copy is the replay.
    assertThat(judge(check, stored(1, event, payload), stored(2, event, payload.clone())))
        .containsExactly("its id " + event.id() + " was stamped before: replayed");
    // Stamped by this drain, then put back sealed.
    check.stamped(1, payload, 0);
    assertThat(judge(check, stored(3, event, payload)))
        .containsExactly("its id " + event.id() + " was stamped before: replayed");
    // Put back under another id in the store's column: the id inside the sealed bytes counts.
    assertThat(judge(check, new StoredEvent(4, "another-id", payload)))
        .containsExactly("its id " + event.id() + " was stamped before: replayed");
  }

  @Test
  void inTransactionalDeliveryTheStoreOrderIsNotHeldToTheStreamOrder() {
    // Fails on the code before: a row inserted first but committed last was stamped after rows
    // inserted after it; when both came back in one claim (a failed publish), the drain took the
    // store order for the stream's and quarantined the later-stamped row as reordered.
    CadfEvent first = event(1);
    CadfEvent second = event(2);
    byte[] a = sealed(first);
    byte[] b = sealed(second);
    byte[] stampedB = stamper.stampPending(b, PendingStamp.locate(b).orElseThrow()); // seq 0
    byte[] stampedA = stamper.stampPending(a, PendingStamp.locate(a).orElseThrow()); // seq 1
    StoredEvent rowA = stored(1, first, stampedA);
    StoredEvent rowB = stored(2, second, stampedB);

    assertThat(judge(new DrainCheck(stamper, List.of(), true, false), rowA, rowB)).isEmpty();
    // Where appends follow the stream (write-ahead, buffer-on-failure), the same is a reorder.
    assertThat(judge(new DrainCheck(stamper, List.of(), true, true), rowA, rowB))
        .singleElement()
        .asString()
        .endsWith(": reordered");
  }
}
