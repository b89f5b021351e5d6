package io.auditrelay.core;

import io.auditrelay.secrets.Secrets;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the delivery thread knows of the broker and the store: up or failing, full, and when each
 * may be tried again (with backoff). Logs each change of state once, not each failure.
 *
 * <p>Written by the delivery thread only. The states and the broker's retry time are volatile, so
 * that {@code state()} and the connection listener read them from other threads.
 */
final class DeliveryHealth {

  private static final Logger log = LoggerFactory.getLogger(DeliveryLoop.class);

  private final Backoff brokerBackoff;
  private final Backoff storeBackoff;
  private final AuditMetrics metrics;
  private final String storeType;
  private volatile long brokerRetryAt = System.nanoTime();
  private long storeRetryAt = System.nanoTime();
  private volatile boolean brokerUp = true;
  private volatile boolean storeFull;
  private volatile boolean storeFailing;
  private volatile @Nullable String deliveryProblem;

  DeliveryHealth(
      Backoff brokerBackoff, Backoff storeBackoff, AuditMetrics metrics, String storeType) {
    this.brokerBackoff = brokerBackoff;
    this.storeBackoff = storeBackoff;
    this.metrics = metrics;
    this.storeType = storeType;
  }

  /** The broker failed {@code what}; it is tried again after the next backoff. */
  void brokerFailed(String what, String lastError) {
    brokerRetryAt = System.nanoTime() + brokerBackoff.nextNanos();
    if (brokerUp) {
      log.warn(
          "RabbitMQ unavailable ({}; last error: {}); buffering audit events in the {} store,"
              + " retrying with backoff",
          what,
          lastError,
          storeType);
    }
    brokerUp = false;
  }

  /** A publish was confirmed; true when the broker was unavailable until now. */
  boolean brokerSucceeded() {
    if (deliveryProblem != null) {
      log.info("Audit delivery works again after: {}", deliveryProblem);
      deliveryProblem = null;
    }
    boolean wasDown = !brokerUp;
    if (wasDown) {
      log.info("RabbitMQ available again; draining the {} store", storeType);
    }
    brokerUp = true;
    brokerBackoff.reset();
    return wasDown;
  }

  /** The connection is back (any thread): the broker may be tried at once. */
  void brokerReturned() {
    brokerRetryAt = System.nanoTime();
  }

  boolean brokerInBackoff() {
    return System.nanoTime() - brokerRetryAt < 0;
  }

  /** When the broker may be tried again ({@link System#nanoTime}). */
  long brokerRetryAt() {
    return brokerRetryAt;
  }

  /** The broker is not tried before the store is: delivered events are not published again. */
  void holdBrokerForStore() {
    brokerRetryAt = Math.max(brokerRetryAt, storeRetryAt);
  }

  /** The store failed (or is {@code full}); it is tried again after the next backoff. */
  void storeProblem(boolean full, RuntimeException e) {
    metrics.storeErrors().increment();
    storeRetryAt = System.nanoTime() + storeBackoff.nextNanos();
    if (full) {
      if (!storeFull) {
        log.warn(
            "Audit {} store is full; record() applies the overflow policy: {}",
            storeType,
            e.getMessage());
      }
      storeFull = true;
    } else {
      if (!storeFailing) {
        log.error("Audit {} store failed; retrying with backoff: {}", storeType, e.toString());
      }
      storeFailing = true;
    }
  }

  void storeRecovered() {
    if (storeFull || storeFailing) {
      log.info("Audit {} store accepts events again", storeType);
    }
    storeFull = false;
    storeFailing = false;
    storeBackoff.reset();
  }

  /**
   * Nothing waits for room in the store any more (every held event was withdrawn): the store is no
   * longer reported full, though it took nothing.
   */
  void nothingWaitsForTheStore() {
    storeFull = false;
  }

  boolean storeInBackoff() {
    return System.nanoTime() - storeRetryAt < 0;
  }

  /** Nanoseconds until the store may be tried again (0 when it may now). */
  long storeRetryInNanos() {
    return Math.max(0, storeRetryAt - System.nanoTime());
  }

  /**
   * The delivery thread caught {@code error} ({@code where} it did): logged at ERROR, and reported
   * in the state until a publish is confirmed again.
   */
  void deliveryFailed(String where, Throwable error) {
    deliveryProblem = where + ": " + Secrets.maskUrl(String.valueOf(error));
    log.error("Audit delivery failed {}; the delivery thread goes on", where, error);
  }

  /** Why the delivery thread does not deliver, or null. */
  @Nullable String deliveryProblem() {
    return deliveryProblem;
  }

  boolean brokerUp() {
    return brokerUp;
  }

  boolean storeFull() {
    return storeFull;
  }

  boolean storeFailing() {
    return storeFailing;
  }
}
