package io.auditrelay.core;

import io.auditrelay.store.BackingStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The meters of one Auditor. Every meter carries the tags {@code auditor} (its name) and {@code
 * store} (the store type), so several Auditors in one registry neither collide nor fail. Units are
 * the same for every store: events are counts, bytes are bytes, ages are seconds. Closing removes
 * the meters, so an Auditor of the same name can be built again.
 */
final class AuditMetrics implements AutoCloseable {

  private final MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> meters = new ArrayList<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Timer publishLatency;

  AuditMetrics(
      MeterRegistry registry,
      String auditor,
      BackingStore store,
      IntSupplier queueSize,
      BooleanSupplier brokerConnected,
      Clock clock) {
    this.registry = registry;
    this.tags = Tags.of("auditor", auditor, "store", store.type());
    for (String reason : List.of("invalid", "oversize", "overflow", "closed")) {
      rejected(reason);
    }
    for (String path : List.of("live", "drain")) {
      published(path);
    }
    for (String reason : List.of("nack", "returned", "timeout", "closed", "error")) {
      publishFailure(reason);
    }
    for (String reason : List.of("cancelled", "rollback")) {
      withdrawn(reason);
    }
    recorded();
    stored();
    for (String reason : List.of("rejected", "corrupt")) {
      quarantined(reason);
    }
    tailCuts();
    lost();
    storeErrors();
    publishLatency =
        register(
            Timer.builder("audit.publish.latency")
                .description("Time from publishing a batch to its last confirm")
                .tags(tags)
                .register(registry));
    register(
        Gauge.builder("audit.queue.size", queueSize, IntSupplier::getAsInt)
            .description("Events accepted and waiting in the hand-off queue")
            .tags(tags)
            .register(registry));
    register(
        Gauge.builder("audit.broker.connected", brokerConnected, c -> c.getAsBoolean() ? 1 : 0)
            .description("1 while the Auditor holds a working broker connection, 0 otherwise")
            .tags(tags)
            .register(registry));
    register(
        Gauge.builder("audit.store.events", store, s -> s.stats().events())
            .description("Events waiting in the backing store")
            .tags(tags)
            .register(registry));
    register(
        Gauge.builder("audit.store.bytes", store, s -> s.stats().bytes())
            .description("Payload bytes waiting in the backing store")
            .baseUnit("bytes")
            .tags(tags)
            .register(registry));
    register(
        Gauge.builder(
                "audit.store.oldest.age",
                store,
                s -> s.stats().oldestAge(clock.instant()).toNanos() / 1e9)
            .description("Age of the oldest event waiting in the backing store")
            .baseUnit("seconds")
            .tags(tags)
            .register(registry));
    register(
        Gauge.builder("audit.store.quarantined", store, s -> s.stats().quarantinedEvents())
            .description("Events the backing store holds in quarantine")
            .tags(tags)
            .register(registry));
  }

  Counter recorded() {
    return counter("audit.events.recorded", "Events accepted by record()", null, null);
  }

  Counter rejected(String reason) {
    return counter("audit.events.rejected", "Events refused by record()", "reason", reason);
  }

  Counter published(String path) {
    return counter("audit.events.published", "Events confirmed by the broker", "path", path);
  }

  Counter stored() {
    return counter("audit.events.stored", "Events appended to the backing store", null, null);
  }

  /**
   * Events quarantined, by {@code reason}: {@code rejected} (the broker kept refusing them), {@code
   * corrupt} (the store found them damaged or out of place).
   */
  Counter quarantined(String reason) {
    return counter(
        "audit.events.quarantined", "Events moved to the store's quarantine", "reason", reason);
  }

  Counter tailCuts() {
    return counter(
        "audit.store.tail.cuts", "Torn tails the store cut back when it opened", null, null);
  }

  /** Counts what the store finds wrong on its own in these meters. */
  io.auditrelay.store.StoreObserver storeObserver() {
    return new io.auditrelay.store.StoreObserver() {
      @Override
      public void quarantined(String reason, long events) {
        AuditMetrics.this.quarantined(reason).increment(events);
      }

      @Override
      public void lost(long events) {
        AuditMetrics.this.lost().increment(events);
      }

      @Override
      public void tailCut(long bytes) {
        tailCuts().increment();
      }
    };
  }

  Counter withdrawn(String reason) {
    return counter(
        "audit.events.withdrawn",
        "Accepted events withdrawn before they were durable; never published",
        "reason",
        reason);
  }

  Counter lost() {
    return counter("audit.events.lost", "Accepted events that were lost; must stay 0", null, null);
  }

  Counter publishFailure(String reason) {
    return counter("audit.publish.failures", "Messages not confirmed", "reason", reason);
  }

  Counter storeErrors() {
    return counter("audit.store.errors", "Failed backing store operations", null, null);
  }

  Timer publishLatency() {
    return publishLatency;
  }

  private Counter counter(String name, String description, String tagKey, String tagValue) {
    String key = tagKey == null ? name : name + '|' + tagValue;
    return counters.computeIfAbsent(
        key,
        k -> {
          Counter.Builder builder = Counter.builder(name).description(description).tags(tags);
          if (tagKey != null) {
            builder.tag(tagKey, tagValue);
          }
          return register(builder.register(registry));
        });
  }

  private <M extends Meter> M register(M meter) {
    synchronized (meters) {
      meters.add(meter);
    }
    return meter;
  }

  @Override
  public void close() {
    synchronized (meters) {
      meters.forEach(registry::remove);
      meters.clear();
    }
  }
}
