package io.auditrelay.store;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What a store holds. Every store reports the same units: events are counts, bytes are payload
 * bytes, ages are wall-clock durations.
 *
 * @param events events waiting to be delivered, claimed ones included, quarantined ones excluded
 * @param bytes payload bytes of those events
 * @param oldestAppendedAt when the oldest waiting event was appended; null when empty
 * @param quarantinedEvents events moved to quarantine, still kept by the store
 * @param quarantinedBytes payload bytes in quarantine
 */
public record StoreStats(
    long events,
    long bytes,
    @Nullable Instant oldestAppendedAt,
    long quarantinedEvents,
    long quarantinedBytes) {

  /** Stats of an empty store. */
  public static final StoreStats EMPTY = new StoreStats(0, 0, null, 0, 0);

  /** Age of the oldest waiting event at {@code now}; zero when empty. */
  public Duration oldestAge(Instant now) {
    if (oldestAppendedAt == null || now.isBefore(oldestAppendedAt)) {
      return Duration.ZERO;
    }
    return Duration.between(oldestAppendedAt, now);
  }
}
