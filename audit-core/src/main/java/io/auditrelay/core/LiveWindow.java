package io.auditrelay.core;

import io.micrometer.core.instrument.Timer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The live batches sent to the broker and not yet settled, oldest first, and how many events they
 * hold against the confirm window. Used by the delivery thread only.
 */
final class LiveWindow {

  /** A live batch sent to the broker, its confirms pending. */
  record InFlight(
      List<Pending> batch,
      Publisher.Sent sent,
      CompletableFuture<Void> allSettled,
      Timer.Sample sample) {

    /** Whether every confirm is in, or the deadline passed: settling it will not wait. */
    boolean ready() {
      return allSettled.isDone() || System.nanoTime() - sent.deadlineNanos() >= 0;
    }
  }

  private final ArrayDeque<InFlight> batches = new ArrayDeque<>();
  private final int capacity;
  private int events;

  /** A window of at most {@code capacity} events in flight. */
  LiveWindow(int capacity) {
    this.capacity = capacity;
  }

  void add(InFlight sent) {
    batches.add(sent);
    events += sent.batch().size();
  }

  /** The oldest batch in flight, still in the window. */
  @Nullable InFlight oldest() {
    return batches.peek();
  }

  /** Takes the oldest batch out of the window, to settle it; null when none is in flight. */
  @Nullable InFlight poll() {
    InFlight oldest = batches.poll();
    if (oldest != null) {
      events -= oldest.batch().size();
    }
    return oldest;
  }

  boolean isEmpty() {
    return batches.isEmpty();
  }

  /** Whether the events in flight fill the window. */
  boolean isFull() {
    return events >= capacity;
  }

  /** Events that may still be sent before the window is full. */
  int room() {
    return capacity - events;
  }
}
