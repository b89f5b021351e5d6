package io.auditrelay.core;

/** What {@code record()} does when the hand-off queue is full (the store full or failing too). */
public enum OverflowPolicy {
  /** Wait up to the overflow timeout for room, then throw {@link AuditOverflowException}. */
  BLOCK,
  /** Throw {@link AuditOverflowException} at once. */
  FAIL
}
