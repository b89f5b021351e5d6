package io.auditrelay.store.jdbc;

import io.auditrelay.store.StoreStats;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * What the table holds, without a {@code COUNT(*)} per call: an exact query at most once per
 * refresh interval, and between queries the changes this instance made itself. Exact for a single
 * instance; with several instances on one table, their changes show within one interval.
 *
 * <p>A query result is only taken when no change of this instance ran while it did (or when the
 * last accepted one is too old), so a change is never counted twice. Thread-safe.
 */
final class BacklogEstimate {

  /** Reads the exact content of the tables. */
  interface Source {
    StoreStats query() throws Exception;
  }

  private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long FORCE_ACCEPT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Source source;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private long events;
  private long bytes;
  private @Nullable Instant oldest;
  private boolean oldestKnown = true;
  private long quarantinedEvents;
  private long quarantinedBytes;
  private long changes;
  private int changesInFlight;
  private long refreshedAt;
  private long acceptedAt;

  BacklogEstimate(Source source) {
    this.source = source;
    this.refreshedAt = System.nanoTime() - REFRESH_NANOS;
    this.acceptedAt = refreshedAt;
  }

  /**
   * Before a change of this instance starts; always pair with {@link #endChange()} (in a {@code
   * finally}), and count what the change did with the methods below in between.
   */
  synchronized void beginChange() {
    changes++;
    changesInFlight++;
  }

  /** After a change, done or failed. */
  synchronized void endChange() {
    changes++;
    changesInFlight--;
  }

  synchronized void appended(long count, long payloadBytes, Instant appendedAt) {
    events += count;
    bytes += payloadBytes;
    if (oldest == null || appendedAt.isBefore(oldest)) {
      oldest = appendedAt;
    }
  }

  synchronized void removed(long count, long payloadBytes) {
    take(count, payloadBytes);
  }

  synchronized void quarantined(long count, long payloadBytes) {
    take(count, payloadBytes);
    quarantinedEvents += count;
    quarantinedBytes += payloadBytes;
  }

  /** Quarantined events deleted for good. */
  synchronized void deletedFromQuarantine(long count, long payloadBytes) {
    quarantinedEvents -= count;
    quarantinedBytes -= payloadBytes;
  }

  /** The current content; queries the tables when the estimate is due or incomplete. */
  StoreStats stats() {
    boolean due;
    synchronized (this) {
      due = !oldestKnown || System.nanoTime() - refreshedAt >= REFRESH_NANOS;
    }
    if (due) {
      refresh(false);
    }
    return snapshot();
  }

  /** Whether nothing waits; queries the tables at most once per interval. */
  boolean isEmpty() {
    boolean due;
    synchronized (this) {
      due = System.nanoTime() - refreshedAt >= REFRESH_NANOS;
    }
    if (due) {
      refresh(false);
    }
    synchronized (this) {
      return events <= 0;
    }
  }

  /** Events waiting, after an exact query (for the capacity check). */
  long exactEvents() {
    refresh(true);
    synchronized (this) {
      return events;
    }
  }

  synchronized long events() {
    return events;
  }

  /** The last known content, without any query (after close). */
  synchronized StoreStats snapshot() {
    long waiting = Math.max(0, events);
    return new StoreStats(
        waiting,
        waiting == 0 ? 0 : Math.max(0, bytes),
        waiting == 0 ? null : oldest,
        // Another instance, or an operator's SQL, may have changed the quarantine since the last
        // exact count: an estimate never goes below nothing.
        Math.max(0, quarantinedEvents),
        quarantinedEvents <= 0 ? 0 : Math.max(0, quarantinedBytes));
  }

  /**
   * Queries the tables and takes the result if no change of this instance overlapped it.
   *
   * @param force take the result even if a change overlapped (a capacity decision)
   */
  void refresh(boolean force) {
    if (!refreshing.compareAndSet(false, true)) {
      return;
    }
    try {
      long before;
      boolean quiet;
      synchronized (this) {
        before = changes;
        quiet = changesInFlight == 0;
      }
      StoreStats exact;
      try {
        exact = source.query();
      } catch (Exception e) {
        synchronized (this) {
          refreshedAt = System.nanoTime();
        }
        return;
      }
      synchronized (this) {
        long now = System.nanoTime();
        refreshedAt = now;
        boolean undisturbed = quiet && changesInFlight == 0 && changes == before;
        if (undisturbed || force || now - acceptedAt >= FORCE_ACCEPT_NANOS) {
          events = exact.events();
          bytes = exact.bytes();
          oldest = exact.oldestAppendedAt();
          oldestKnown = true;
          quarantinedEvents = exact.quarantinedEvents();
          quarantinedBytes = exact.quarantinedBytes();
          acceptedAt = now;
        }
      }
    } finally {
      refreshing.set(false);
    }
  }

  private void take(long count, long payloadBytes) {
    events -= count;
    bytes -= payloadBytes;
    if (events <= 0) {
      events = 0;
      bytes = 0;
      oldest = null;
      oldestKnown = true;
    } else if (count > 0) {
      oldestKnown = false;
    }
  }
}
