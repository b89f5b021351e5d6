package io.auditrelay.core;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded queue between {@code record()} and the delivery thread, and the one signal that wakes
 * that thread. The queue holds accepted events only. The signal ends either wait of the delivery
 * thread: {@link #poll} (for the next event) and {@link #pause} (a backoff); {@link #signal} ends
 * both, a new event ends a poll only.
 *
 * <p>Thread-safe: any thread offers and signals, the delivery thread alone polls and pauses. The
 * signal's state ({@code signalled}) is guarded by {@code monitor}; {@code polling} is volatile so
 * that an offer takes the monitor only while the delivery thread waits for an event.
 */
final class Handoff {

  private final ArrayBlockingQueue<Pending> queue;
  private final Object monitor = new Object();
  private boolean signalled;
  private volatile boolean polling;

  Handoff(int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /** Queues {@code pending} if there is room now; false when the queue is full. */
  boolean offer(Pending pending) {
    if (!queue.offer(pending)) {
      return false;
    }
    eventArrived();
    return true;
  }

  /** Queues {@code pending}, waiting up to {@code nanos} for room; false when none came. */
  boolean offer(Pending pending, long nanos) throws InterruptedException {
    if (!queue.offer(pending, nanos, TimeUnit.NANOSECONDS)) {
      return false;
    }
    eventArrived();
    return true;
  }

  private void eventArrived() {
    // The delivery thread sets polling before it looks at the queue a last time: either it sees
    // this event, or this sees it polling and wakes it.
    if (polling) {
      signal();
    }
  }

  /** Ends the delivery thread's current or next wait. */
  void signal() {
    synchronized (monitor) {
      signalled = true;
      monitor.notifyAll();
    }
  }

  /** The next event, waiting up to {@code nanos} for one or for the signal; null if none came. */
  Pending poll(long nanos) throws InterruptedException {
    Pending next = queue.poll();
    if (next != null || nanos <= 0) {
      return next;
    }
    polling = true;
    try {
      synchronized (monitor) {
        if (!signalled && queue.isEmpty()) {
          TimeUnit.NANOSECONDS.timedWait(monitor, nanos);
        }
        signalled = false;
      }
    } finally {
      polling = false;
    }
    return queue.poll();
  }

  /** Waits up to {@code nanos} for the signal only (events arriving do not end it). */
  void pause(long nanos) throws InterruptedException {
    if (nanos <= 0) {
      return;
    }
    synchronized (monitor) {
      if (!signalled) {
        TimeUnit.NANOSECONDS.timedWait(monitor, nanos);
      }
      signalled = false;
    }
  }

  /** Takes a withdrawn event out of the queue, if it is still there, to free its room. */
  void remove(DeliveryFuture future) {
    queue.removeIf(p -> p.future() == future);
  }

  /** Moves up to {@code max} queued events into {@code into}. */
  void drainTo(List<Pending> into, int max) {
    queue.drainTo(into, max);
  }

  /** Moves every queued event into {@code into}. */
  void drainTo(List<Pending> into) {
    queue.drainTo(into);
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  int size() {
    return queue.size();
  }
}
