package io.auditrelay.core;

import io.auditrelay.cadf.CadfEvent;
import java.util.concurrent.CompletableFuture;

/** Accepts every event and does nothing: auditing is switched off. */
final class NoopAuditor implements Auditor {

  static final NoopAuditor INSTANCE = new NoopAuditor();

  private NoopAuditor() {}

  @Override
  public CompletableFuture<Void> record(CadfEvent event) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "NoopAuditor (auditing disabled)";
  }
}
