package io.auditrelay.boot.actuate;

import io.auditrelay.boot.health.TamperedAcknowledgements;
import io.auditrelay.cadf.Attachment;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Reason;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.AuditorState;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.QuarantineCommands;
import io.auditrelay.store.QuarantinedEvent;
import io.auditrelay.store.StoreStats;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/auditrelay}: the delivery state, the backlog and the quarantine, and the
 * operations that fix a quarantine. Read-only unless {@code
 * management.endpoint.auditrelay.access=unrestricted}; exposed and secured like any Actuator
 * endpoint. Never shows a secret: no broker address, no store parameters.
 *
 * <ul>
 *   <li>{@code GET /actuator/auditrelay[?after=K&limit=N]}: state, backlog, quarantine summary and
 *       a page of entries (without payloads);
 *   <li>{@code GET /actuator/auditrelay/{key}}: one entry with its payload;
 *   <li>{@code POST /actuator/auditrelay/{key}}: requeue it;
 *   <li>{@code POST /actuator/auditrelay} with {@code {"operation":"requeue-all"}} or {@code
 *       {"operation":"acknowledge-tampered"}};
 *   <li>{@code DELETE /actuator/auditrelay/{key}?reason=...}: delete it for good.
 * </ul>
 *
 * <p>Every write operation is itself recorded as a CADF event (who, what, which event), whether it
 * succeeded or not, and answers with that event's id: the auditors are audited.
 */
@Endpoint(id = "auditrelay", defaultAccess = Access.READ_ONLY)
public class AuditRelayEndpoint {

  /** The most entries one page shows. */
  static final int MAX_PAGE = 500;

  private static final String EVENT_TYPE = "data/audit/event";

  private final Auditor auditor;
  private final BackingStore store;
  private final TamperedAcknowledgements tampered;
  private final Clock clock;

  public AuditRelayEndpoint(
      Auditor auditor, BackingStore store, TamperedAcknowledgements tampered, Clock clock) {
    this.auditor = auditor;
    this.store = store;
    this.tampered = tampered;
    this.clock = clock;
  }

  /** State, backlog and a page of the quarantine. */
  @ReadOperation
  public Map<String, Object> state(@Nullable Long after, @Nullable Integer limit) {
    Map<String, Object> body = new LinkedHashMap<>();
    AuditorState state = auditor.state().orElse(null);
    StoreStats stats = state != null ? state.store() : store.stats();
    body.put("enabled", state != null);
    if (state != null) {
      body.put("mode", state.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      body.put("brokerConnected", state.brokerConnected());
      body.put("queuedEvents", state.queued());
      body.put("storeFull", state.storeFull());
      body.put("storeFailing", state.storeFailing());
      if (state.deliveryProblem() != null) {
        body.put("deliveryProblem", state.deliveryProblem());
      }
      if (state.trail() != null) {
        body.put("tamperedEvents", state.trail().tamperedEvents());
        body.put("tamperedUnacknowledged", tampered.unacknowledged(state.trail().tamperedEvents()));
      }
    }
    body.put("store", store.type());
    body.put(
        "backlog",
        Map.of(
            "events", stats.events(),
            "bytes", stats.bytes(),
            "oldestAgeSeconds", stats.oldestAge(clock.instant()).toSeconds()));
    Map<String, Object> quarantine = new LinkedHashMap<>();
    quarantine.put("events", stats.quarantinedEvents());
    quarantine.put("bytes", stats.quarantinedBytes());
    List<Map<String, Object>> entries = new ArrayList<>();
    try {
      for (QuarantinedEvent entry : store.quarantined(after == null ? 0 : after, pageSize(limit))) {
        entries.add(describe(entry, false));
      }
      quarantine.put("entries", entries);
    } catch (UnsupportedOperationException e) {
      quarantine.put("entries", e.getMessage());
    }
    body.put("quarantine", quarantine);
    return body;
  }

  /** One quarantined entry, with its payload. */
  @ReadOperation
  public @Nullable Map<String, Object> entry(@Selector long key) {
    QuarantinedEvent entry = find(key);
    return entry == null ? null : describe(entry, true);
  }

  /** Requeues one quarantined entry. */
  @WriteOperation
  public Map<String, Object> requeue(@Selector long key, SecurityContext security) {
    QuarantinedEvent entry = find(key);
    if (entry == null) {
      return answer(
          operatorEvent(security, "update/requeue", target(key, null), Outcome.FAILURE)
              .reason(new Reason("operation", "not-found", null, null))
              .build(),
          Map.of("requeued", false, "key", key, "error", "no quarantine entry " + key));
    }
    return requeue(entry, security);
  }

  /**
   * {@code requeue-all}: requeues every entry that can be (one CADF event each); {@code
   * acknowledge-tampered}: marks the tampered events found so far as seen, so that health no longer
   * shows them.
   */
  @WriteOperation
  public Map<String, Object> operate(String operation, SecurityContext security) {
    return switch (operation) {
      case "requeue-all" -> requeueAll(security);
      case "acknowledge-tampered" -> acknowledgeTampered(security);
      default ->
          Map.of(
              "error",
              "unknown operation '" + operation + "'; use requeue-all or acknowledge-tampered");
    };
  }

  /** Deletes one quarantined entry for good; {@code reason} is kept in the CADF event. */
  @DeleteOperation
  public Map<String, Object> delete(@Selector long key, String reason, SecurityContext security) {
    QuarantinedEvent entry = find(key);
    boolean deleted = entry != null && store.deleteQuarantined(key, reason);
    CadfEvent event =
        operatorEvent(
                security, "delete", target(key, entry), deleted ? Outcome.SUCCESS : Outcome.FAILURE)
            .attachment(new Attachment("text/plain", "reason", reason))
            .build();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("deleted", deleted);
    result.put("key", key);
    if (entry != null && entry.id() != null) {
      result.put("id", entry.id());
    }
    return answer(event, result);
  }

  private Map<String, Object> requeue(QuarantinedEvent entry, SecurityContext security) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("key", entry.key());
    Outcome outcome;
    try {
      boolean requeued = store.requeue(entry.key());
      result.put("requeued", requeued);
      outcome = requeued ? Outcome.SUCCESS : Outcome.FAILURE;
    } catch (RuntimeException e) {
      result.put("requeued", false);
      result.put("error", e.getMessage());
      outcome = Outcome.FAILURE;
    }
    if (entry.id() != null) {
      result.put("id", entry.id());
    }
    return answer(
        operatorEvent(security, "update/requeue", target(entry.key(), entry), outcome).build(),
        result);
  }

  private Map<String, Object> requeueAll(SecurityContext security) {
    List<Map<String, Object>> results = new ArrayList<>();
    QuarantineCommands.forEach(
        store,
        entry -> {
          if (entry.requeueable()) {
            results.add(requeue(entry, security));
          }
        });
    return Map.of("requeued", results);
  }

  private Map<String, Object> acknowledgeTampered(SecurityContext security) {
    long found =
        auditor.state().map(s -> s.trail() == null ? 0L : s.trail().tamperedEvents()).orElse(0L);
    tampered.acknowledge(found);
    CadfEvent event =
        operatorEvent(
                security,
                "update/acknowledge",
                Resource.builder("tampered-events", ResourceTypes.DATA + "/audit/trail")
                    .name(found + " tampered event(s) found since start")
                    .build(),
                Outcome.SUCCESS)
            .build();
    return answer(event, Map.of("acknowledged", found));
  }

  private @Nullable QuarantinedEvent find(long key) {
    List<QuarantinedEvent> page = store.quarantined(key - 1, 1);
    return page.isEmpty() || page.get(0).key() != key ? null : page.get(0);
  }

  private static int pageSize(@Nullable Integer limit) {
    if (limit == null) {
      return 50;
    }
    return Math.max(1, Math.min(MAX_PAGE, limit));
  }

  private static Map<String, Object> describe(QuarantinedEvent entry, boolean payload) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("key", entry.key());
    if (entry.id() != null) {
      view.put("id", entry.id());
    }
    view.put("reason", entry.reason());
    if (entry.quarantinedAt() != null) {
      view.put("quarantinedAt", entry.quarantinedAt().toString());
    }
    view.put("bytes", entry.payload().length);
    view.put("requeueable", entry.requeueable());
    if (payload) {
      view.put("payload", new String(entry.payload(), StandardCharsets.UTF_8));
    }
    return view;
  }

  private static Resource target(long key, @Nullable QuarantinedEvent entry) {
    String id = entry != null && entry.id() != null ? entry.id() : "quarantine-entry-" + key;
    return Resource.builder(id, EVENT_TYPE).name("quarantine entry " + key).build();
  }

  private CadfEvent.Builder operatorEvent(
      SecurityContext security, String action, Resource target, Outcome outcome) {
    Principal principal = security.getPrincipal();
    String who = principal == null ? "anonymous" : principal.getName();
    return CadfEvent.builder()
        .action(action)
        .outcome(outcome)
        .initiator(
            Resource.builder(who, ResourceTypes.SERVICE_SECURITY_ACCOUNT_USER).name(who).build())
        .target(target)
        .name("operator " + action + " on the " + store.type() + " store")
        .tag("operation?value=" + action.substring(action.lastIndexOf('/') + 1));
  }

  /** Records the operator's event and adds its id to the answer; a refusal is in the answer. */
  private Map<String, Object> answer(CadfEvent event, Map<String, Object> result) {
    Map<String, Object> body = new LinkedHashMap<>(result);
    try {
      body.put("auditEventId", auditor.record(event).eventId());
    } catch (RuntimeException e) {
      body.put("auditEventError", e.getMessage());
    }
    return body;
  }
}
