package io.auditrelay.core;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The INFO lines of a backlog being drained: its start (events a previous run left, or the backlog
 * of a broker outage), its progress at most every ten seconds, and its end with the count and the
 * duration. A store that is drained as the normal path (write-ahead) logs nothing while the broker
 * is up.
 *
 * <p>Used by the delivery thread only: not thread-safe.
 */
final class DrainProgress {

  private static final Logger log = LoggerFactory.getLogger(DrainProgress.class);
  static final long PROGRESS_NANOS = Duration.ofSeconds(10).toNanos();

  private final String storeType;
  private final LongSupplier nanoTime;
  private boolean active;
  private long startedAt;
  private long loggedAt;
  private long delivered;

  DrainProgress(String storeType, LongSupplier nanoTime) {
    this.storeType = storeType;
    this.nanoTime = nanoTime;
  }

  /** A backlog of {@code waiting} events starts draining, because of {@code cause}. */
  void begin(long waiting, String cause) {
    if (active || waiting <= 0) {
      return;
    }
    active = true;
    delivered = 0;
    startedAt = nanoTime.getAsLong();
    loggedAt = startedAt;
    log.info("Draining {} audit event(s) from the {} store ({})", waiting, storeType, cause);
  }

  /** {@code count} more drained events were confirmed; {@code waiting} tells what is left. */
  void delivered(int count, LongSupplier waiting) {
    if (!active) {
      return;
    }
    delivered += count;
    long now = nanoTime.getAsLong();
    if (now - loggedAt >= PROGRESS_NANOS) {
      loggedAt = now;
      double seconds = (now - startedAt) / 1e9;
      log.info(
          "Draining the {} store: {} delivered, {} waiting ({} events/s)",
          storeType,
          delivered,
          waiting.getAsLong(),
          Math.round(delivered / seconds));
    }
  }

  /** The store has nothing left to drain. */
  void drainedAll() {
    if (!active) {
      return;
    }
    active = false;
    Duration took = Duration.ofNanos(nanoTime.getAsLong() - startedAt);
    log.info(
        "Drained the {} store: {} audit event(s) delivered in {} ms",
        storeType,
        delivered,
        took.toMillis());
  }

  boolean active() {
    return active;
  }
}
