package io.auditrelay.testsupport;

import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.integrity.Integrity;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.store.BackingStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/** What the stores' tamper tests share: the Auditor that fills a store and later drains it. */
public final class TamperedStores {

  private TamperedStores() {}

  /**
   * An Auditor in write-ahead mode on {@code store}, integrity on (stream {@code billing@pod-1}, a
   * checkpoint after every 5 events), counting in {@code registry}, retrying every 20 to 200 ms.
   */
  public static Auditor auditor(
      String uri, String queue, BackingStore store, SigningKey key, MeterRegistry registry) {
    return auditor(uri, queue, store, key, registry, DeliveryMode.WRITE_AHEAD);
  }

  /**
   * As {@link #auditor(String, String, BackingStore, SigningKey, MeterRegistry)}, in {@code mode}.
   */
  public static Auditor auditor(
      String uri,
      String queue,
      BackingStore store,
      SigningKey key,
      MeterRegistry registry,
      DeliveryMode mode) {
    return Auditor.builder()
        .rabbitUri(uri)
        .queueName(queue)
        .deliveryMode(mode)
        .backingStore(store)
        .integrity(
            Integrity.builder("billing@pod-1")
                .signingKey(key)
                .checkpointEvents(5)
                .checkpointInterval(Duration.ofHours(1))
                .build())
        .meterRegistry(registry)
        .initialBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(200))
        .shutdownTimeout(Duration.ofMillis(500))
        .shutdownHook(false)
        .build();
  }

  /** The events quarantined as tampered, as {@code registry} counted them. */
  public static double tampered(MeterRegistry registry) {
    return registry.find("audit.events.quarantined").tag("reason", "tampered").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }
}
