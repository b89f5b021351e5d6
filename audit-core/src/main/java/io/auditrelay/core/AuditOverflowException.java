package io.auditrelay.core;

/**
 * {@code record()} could not accept the event because the hand-off queue stayed full: the broker
 * and the store cannot keep up, or both fail. The event was not accepted; the caller decides
 * whether to retry or to fail its own operation. Counted as {@code
 * audit.events.rejected{reason=overflow}}.
 */
public final class AuditOverflowException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  AuditOverflowException(String message) {
    super(message);
  }
}
