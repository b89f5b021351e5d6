package io.auditrelay.core;

import io.auditrelay.cadf.CadfEvent;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Records CADF events and delivers them to RabbitMQ at least once.
 *
 * <p>{@link #record} validates the event, fills in what is missing (id, time, observer), serializes
 * it once and hands it to a bounded queue. It never waits on the network or the disk; it waits only
 * when the queue is full and the overflow policy is {@link OverflowPolicy#BLOCK}. The returned
 * future completes when the event is <em>durable</em>: confirmed by the broker, or appended to the
 * backing store under the store's durability policy. Callers that must know (no success without an
 * audit record) wait on it; others ignore it.
 *
 * <p>Thread-safe: any number of threads may record concurrently. Events are delivered in the order
 * {@code record()} accepted them (see {@code docs/guarantees.md} for the exact promise).
 */
public interface Auditor extends AutoCloseable {

  /**
   * Accepts an event for delivery.
   *
   * @return a future that completes when the event is durable, or completes exceptionally when it
   *     could not be made durable before {@link #close()} gave up (counted as lost)
   * @throws io.auditrelay.cadf.CadfValidationException when the event breaks a CADF rule or is
   *     larger than the configured maximum; the message names the field
   * @throws AuditOverflowException when the hand-off queue stayed full
   * @throws IllegalStateException when the Auditor is closed
   */
  CompletableFuture<Void> record(CadfEvent event);

  /** A snapshot of the delivery state, when this Auditor delivers anything. */
  default Optional<AuditorState> state() {
    return Optional.empty();
  }

  /**
   * Stops intake, then publishes or stores everything accepted, within the shutdown timeout. Events
   * that could not be made durable in time are counted as lost, logged, and their futures fail.
   * Idempotent.
   */
  @Override
  void close();

  /** An Auditor that accepts and drops every event, for {@code audit.enabled=false}. */
  static Auditor noop() {
    return NoopAuditor.INSTANCE;
  }

  /** Starts building an Auditor without Spring. */
  static AuditorBuilder builder() {
    return new AuditorBuilder();
  }
}
