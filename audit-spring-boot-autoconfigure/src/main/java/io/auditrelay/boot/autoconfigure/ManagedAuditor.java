package io.auditrelay.boot.autoconfigure;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.core.AuditFuture;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.AuditorState;
import java.util.Optional;
import org.springframework.context.SmartLifecycle;

/**
 * The auto-configured Auditor, stopped by the application context at the right moment: after the
 * web server finished its graceful shutdown (so events recorded by requests still in flight are
 * accepted) and before the beans it uses (store, connection factory) are destroyed.
 */
final class ManagedAuditor implements Auditor, SmartLifecycle {

  /**
   * Stops after Boot's graceful web shutdown ({@code DEFAULT_PHASE - 1024}) and web server stop
   * ({@code DEFAULT_PHASE - 2048}); later phases stop first.
   */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final Auditor delegate;
  private volatile boolean running = true;

  ManagedAuditor(Auditor delegate) {
    this.delegate = delegate;
  }

  @Override
  public AuditFuture record(CadfEvent event) {
    return delegate.record(event);
  }

  @Override
  public Optional<AuditorState> state() {
    return delegate.state();
  }

  @Override
  public void close() {
    running = false;
    delegate.close();
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
