package io.auditrelay.core;

/**
 * {@link Auditor#recordDurably} could not make the event durable within its timeout and withdrew
 * it: the event will never be published. The caller undoes the change it records (or answers an
 * error). Counted as {@code audit.events.withdrawn{reason=cancelled}}.
 */
public final class AuditWithdrawnException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  AuditWithdrawnException(String message) {
    super(message);
  }
}
