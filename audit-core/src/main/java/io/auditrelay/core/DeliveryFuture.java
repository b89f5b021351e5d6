package io.auditrelay.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The future of one accepted event, and the one place that decides whether it may still be
 * withdrawn. {@link #cancel} withdraws the event only while nothing can have reached the broker or
 * the store; a withdrawn event is never published, stored or counted lost.
 *
 * <p>States: <em>open</em> (queued, or held after a failure that proves nothing was sent), which
 * the caller may withdraw; <em>taken</em> by the delivery thread while it publishes or appends the
 * event; <em>sent</em>, when it may have reached the broker (a publish without a definite answer)
 * or was written in the caller's transaction, which never becomes open again; <em>withdrawn</em>;
 * and <em>done</em>. Every transition is one compare-and-set, so a withdrawal and a publish never
 * both win.
 */
final class DeliveryFuture extends AuditFuture {

  private static final int OPEN = 0;
  private static final int TAKEN = 1;
  private static final int SENT = 2;
  private static final int WITHDRAWN = 3;
  private static final int DONE = 4;

  /** Told once when the caller withdrew the event, in the caller's thread. */
  interface Withdrawal {
    void withdrawn(DeliveryFuture future);
  }

  private final AtomicInteger state = new AtomicInteger(OPEN);
  private final Withdrawal withdrawal;

  DeliveryFuture(String eventId, Withdrawal withdrawal) {
    super(eventId);
    this.withdrawal = withdrawal;
  }

  /**
   * Called by the delivery thread before it publishes or appends the event: false when the caller
   * withdrew it, and the event must be dropped.
   */
  boolean take() {
    while (true) {
      int s = state.get();
      if (s == WITHDRAWN) {
        return false;
      }
      if (s != OPEN || state.compareAndSet(OPEN, TAKEN)) {
        return true;
      }
    }
  }

  /** Nothing of the event reached the broker or the store: the caller may withdraw it again. */
  void release() {
    state.compareAndSet(TAKEN, OPEN);
  }

  /** The event may have reached the broker (or is in the caller's transaction): no withdrawal. */
  void sent() {
    state.compareAndSet(TAKEN, SENT);
    state.compareAndSet(OPEN, SENT);
  }

  /** The event is durable: confirmed or appended. */
  void durable() {
    state.set(DONE);
    complete(null);
  }

  /**
   * The event could not be made durable (the Auditor closed): false when it had been withdrawn, in
   * which case it is not lost.
   */
  boolean lost(Throwable cause) {
    while (true) {
      int s = state.get();
      if (s == WITHDRAWN) {
        return false;
      }
      if (state.compareAndSet(s, DONE)) {
        completeExceptionally(cause);
        return true;
      }
    }
  }

  /** The caller's transaction rolled back: the event was never committed. */
  void rolledBack() {
    state.set(DONE);
    super.cancel(false);
  }

  /**
   * Withdraws the event if it is not yet durable and nothing of it can have reached the broker or
   * the store: it is then never published, and this future completes with a {@link
   * java.util.concurrent.CancellationException}. Returns false, and changes nothing, when the event
   * is durable, lost, or on its way (taken or sent): it then counts as durable.
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (!state.compareAndSet(OPEN, WITHDRAWN)) {
      return false;
    }
    super.cancel(false);
    withdrawal.withdrawn(this);
    return true;
  }
}
