package io.auditrelay.core;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The wait of {@link Auditor#recordDurably}: durable by a deadline, or withdrawn. */
final class Durably {

  private Durably() {}

  /**
   * Waits for {@code future} until {@code deadline} ({@link System#nanoTime}); then withdraws the
   * event if it can. An interrupt ends the wait like the deadline, and the interrupt flag is kept.
   */
  static Durability await(CompletableFuture<Void> future, long deadline, Duration timeout) {
    boolean interrupted = false;
    try {
      future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return Durability.DURABLE;
    } catch (TimeoutException e) {
      // withdrawn below, if it still can be
    } catch (InterruptedException e) {
      interrupted = true;
    } catch (CancellationException e) {
      throw withdrawn(timeout);
    } catch (ExecutionException e) {
      throw notDurable(e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (future.cancel(false)) {
      throw withdrawn(timeout);
    }
    if (!future.isDone()) {
      return Durability.IN_FLIGHT;
    }
    try {
      future.getNow(null); // it became durable, or was lost, while we tried
      return Durability.DURABLE;
    } catch (CancellationException e) {
      throw withdrawn(timeout);
    } catch (java.util.concurrent.CompletionException e) {
      throw notDurable(e);
    }
  }

  private static AuditWithdrawnException withdrawn(Duration timeout) {
    return new AuditWithdrawnException(
        "The audit event was not durable within "
            + timeout
            + " and was withdrawn: it will never be published; undo the change it records");
  }

  private static RuntimeException notDurable(Exception e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    return cause instanceof RuntimeException runtime
        ? runtime
        : new IllegalStateException("The audit event could not be made durable", cause);
  }
}
