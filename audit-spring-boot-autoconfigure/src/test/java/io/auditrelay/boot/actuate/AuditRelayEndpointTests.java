package io.auditrelay.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.boot.health.AuditHealthIndicator;
import io.auditrelay.boot.health.TamperedAcknowledgements;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfValidator;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Resource;
import io.auditrelay.core.AuditFuture;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.AuditorState;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.store.Claim;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.memory.MemoryBackingStore;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.contributor.Health;

/**
 * The endpoint's operations on a memory store, and the CADF event each write operation records: the
 * operator as initiator, the event as target, the outcome. (Over HTTP with a real broker and the
 * SQL store: the sample service's {@code AuditRelayEndpointTests}.)
 */
class AuditRelayEndpointTests {

  private final List<CadfEvent> recorded = new CopyOnWriteArrayList<>();
  private final MemoryBackingStore store = new MemoryBackingStore(100, Clock.systemUTC());
  private long tamperedFound = 3;

  private final Auditor auditor =
      new Auditor() {
        @Override
        public AuditFuture record(CadfEvent event) {
          CadfEvent complete = event.withDefaults(Clock.systemUTC(), Resource.reference("target"));
          CadfValidator.validate(complete);
          recorded.add(complete);
          return AuditFuture.durable(complete.id());
        }

        @Override
        public Optional<AuditorState> state() {
          return Optional.of(
              new AuditorState(
                  DeliveryMode.BUFFER_ON_FAILURE,
                  "memory",
                  store.stats(),
                  0,
                  true,
                  false,
                  false,
                  null,
                  new AuditorState.Trail("s", "e", "none", null, tamperedFound)));
        }

        @Override
        public void close() {}
      };

  private final TamperedAcknowledgements acknowledgements = new TamperedAcknowledgements();
  private final AuditRelayEndpoint endpoint =
      new AuditRelayEndpoint(auditor, store, acknowledgements, Clock.systemUTC());

  private static final SecurityContext ALICE =
      new SecurityContext() {
        @Override
        public Principal getPrincipal() {
          return () -> "alice";
        }

        @Override
        public boolean isUserInRole(String role) {
          return true;
        }
      };

  private long quarantineOne(String id) {
    store.append(List.of(new SerializedEvent(id, "{}".getBytes(StandardCharsets.UTF_8))));
    Claim claim = store.claim(1);
    store.quarantine(claim, "broker rejected it 5 times (returned)");
    return claim.events().get(0).sequence();
  }

  @Test
  void aRequeueIsRecordedWithTheOperatorTheEventAndTheOutcome() {
    long key = quarantineOne("e-1");

    Map<String, Object> answer = endpoint.requeue(key, ALICE);
    Map<String, Object> missing = endpoint.requeue(999, ALICE);

    assertThat(answer).containsEntry("requeued", true).containsEntry("id", "e-1");
    assertThat(missing).containsEntry("requeued", false);
    assertThat(recorded).hasSize(2);
    CadfEvent requeue = recorded.get(0);
    assertThat(answer).containsEntry("auditEventId", requeue.id());
    assertThat(requeue.action()).isEqualTo("update/requeue");
    assertThat(requeue.initiator().id()).isEqualTo("alice");
    assertThat(requeue.target().id()).isEqualTo("e-1");
    assertThat(requeue.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(recorded.get(1).outcome()).isEqualTo(Outcome.FAILURE);
    assertThat(recorded.get(1).target().id()).isEqualTo("quarantine-entry-999");
    assertThat(store.stats().events()).isEqualTo(1);
  }

  @Test
  void requeueAllRequeuesEveryEntryWithOneEventEachAndAnUnknownOperationIsRefused() {
    quarantineOne("e-1");
    quarantineOne("e-2");

    Map<String, Object> answer = endpoint.operate("requeue-all", ALICE);

    assertThat((List<?>) answer.get("requeued")).hasSize(2);
    assertThat(recorded).extracting(e -> e.target().id()).containsExactly("e-1", "e-2");
    assertThat(store.stats().quarantinedEvents()).isZero();
    assertThat(endpoint.operate("purge", ALICE).get("error").toString())
        .contains("use requeue-all or acknowledge-tampered");
  }

  @Test
  void healthShowsTamperedEventsUntilAnOperatorAcknowledgesThem() {
    AuditHealthIndicator health =
        new AuditHealthIndicator(
            auditor, Clock.systemUTC(), AuditHealthIndicator.Thresholds.NONE, acknowledgements);
    assertThat(integrity(health)).containsEntry("tamperedUnacknowledged", 3L);

    endpoint.operate("acknowledge-tampered", ALICE);
    assertThat(integrity(health)).containsEntry("tamperedUnacknowledged", 0L);
    assertThat(recorded)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.action()).isEqualTo("update/acknowledge");
              assertThat(e.initiator().id()).isEqualTo("alice");
            });

    tamperedFound = 5; // two more found since
    assertThat(integrity(health)).containsEntry("tamperedUnacknowledged", 2L);
    assertThat(endpoint.state(null, null)).containsEntry("tamperedUnacknowledged", 2L);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> integrity(AuditHealthIndicator indicator) {
    Health health = indicator.health(true);
    return (Map<String, Object>) health.getDetails().get("integrity");
  }
}
