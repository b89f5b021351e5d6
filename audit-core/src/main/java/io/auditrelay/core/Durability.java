package io.auditrelay.core;

/**
 * What {@link Auditor#recordDurably} knows of an event when it returns. Every value means the same
 * to a caller that follows the compliance pattern: keep the change. An event that could not be made
 * durable in time is withdrawn instead, and {@code recordDurably} throws {@link
 * AuditWithdrawnException}.
 */
public enum Durability {
  /** Confirmed by the broker, or appended to the backing store under its durability policy. */
  DURABLE,
  /**
   * The timeout passed while the event was being published or appended: it may already be at the
   * broker, so it could not be withdrawn. It counts as durable: it is delivered (possibly after a
   * stay in the store), or, if the Auditor closes before that, counted in {@code audit.events.lost}
   * with an ERROR line.
   */
  IN_FLIGHT,
  /**
   * Inserted with the caller's transaction ({@link DeliveryMode#TRANSACTIONAL}): it is durable when
   * that transaction commits and withdrawn when it rolls back, with the change it records.
   */
  IN_TRANSACTION
}
