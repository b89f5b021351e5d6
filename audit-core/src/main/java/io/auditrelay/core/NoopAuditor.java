package io.auditrelay.core;

import io.auditrelay.cadf.CadfEvent;
import java.util.UUID;

/** Accepts every event and does nothing: auditing is switched off. */
final class NoopAuditor implements Auditor {

  static final NoopAuditor INSTANCE = new NoopAuditor();

  private NoopAuditor() {}

  @Override
  public AuditFuture record(CadfEvent event) {
    return AuditFuture.durable(event.id() != null ? event.id() : UUID.randomUUID().toString());
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "NoopAuditor (auditing disabled)";
  }
}
