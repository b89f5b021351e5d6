package io.auditrelay.core;

import io.auditrelay.cadf.CadfEvent;
import java.time.Duration;
import java.util.Optional;

/**
 * Records CADF events and delivers them to RabbitMQ at least once.
 *
 * <p>{@link #record} validates the event, fills in what is missing (id, time, observer), serializes
 * it once and hands it to a bounded queue. It never waits on the network or the disk; it waits only
 * when the queue is full and the overflow policy is {@link OverflowPolicy#BLOCK}. The returned
 * future completes when the event is <em>durable</em>: confirmed by the broker, or appended to the
 * backing store under the store's durability policy. Callers that must know (no success without an
 * audit record) call {@link #recordDurably}, which waits and withdraws the event if it is not
 * durable in time; others ignore the future.
 *
 * <p>Thread-safe: any number of threads may record concurrently. Events are delivered in the order
 * {@code record()} accepted them (see {@code docs/guarantees.md} for the exact promise).
 */
public interface Auditor extends AutoCloseable {

  /**
   * Accepts an event for delivery.
   *
   * <p>{@code cancel()} on the returned future <em>withdraws</em> the event if nothing of it can
   * have reached the broker or the store yet: it returns true, and the event is never published
   * (counted in {@code audit.events.withdrawn}). It returns false when the event is durable, or on
   * its way (being published or appended): the event then counts as durable.
   *
   * @return the id the event carries in the trail ({@link AuditFuture#eventId()}: the caller's, or
   *     the random UUID given here), and a future that completes when the event is durable, or
   *     completes exceptionally when it could not be made durable before {@link #close()} gave up
   *     (counted as lost)
   * @throws io.auditrelay.cadf.CadfValidationException when the event breaks a CADF rule or is
   *     larger than the configured maximum; the message names the field
   * @throws AuditOverflowException when the hand-off queue stayed full
   * @throws IllegalStateException when the Auditor is closed
   */
  AuditFuture record(CadfEvent event);

  /**
   * Records an event and waits until it is durable; if it is not durable within {@code timeout},
   * withdraws it. The answer is definite: the event is durable (or counts as durable), or it was
   * withdrawn and will never be published, never both. This is the compliance pattern: keep the
   * change when this returns, undo it when it throws.
   *
   * <p>The timeout covers the whole call, including a wait for room in a full hand-off queue. An
   * interrupt ends the wait as the timeout does (the interrupt flag stays set).
   *
   * @return {@link Durability#DURABLE}; {@link Durability#IN_FLIGHT} when the timeout passed while
   *     the event was being published or appended, so that it could not be withdrawn: it counts as
   *     durable; {@link Durability#IN_TRANSACTION} when it was written with the caller's
   *     transaction, whose fate it shares
   * @throws AuditWithdrawnException when the event was not durable in time and was withdrawn
   * @throws io.auditrelay.cadf.CadfValidationException when the event breaks a CADF rule
   * @throws AuditOverflowException when the hand-off queue stayed full
   * @throws IllegalStateException when the Auditor is closed, or closed before the event was
   *     durable (the event is counted as lost)
   */
  default Durability recordDurably(CadfEvent event, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return Durably.await(record(event), deadline, timeout);
  }

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
