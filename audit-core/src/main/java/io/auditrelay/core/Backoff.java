package io.auditrelay.core;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": each delay lies between half and all of the current
 * step, the step doubling up to the maximum. Jitter keeps many replicas from reconnecting in step.
 * Not thread-safe; owned by the delivery thread.
 */
final class Backoff {

  private final long initialNanos;
  private final long maxNanos;
  private final RandomGenerator random;
  private long stepNanos;

  Backoff(Duration initial, Duration max, RandomGenerator random) {
    this.initialNanos = Math.max(1, initial.toNanos());
    this.maxNanos = Math.max(initialNanos, max.toNanos());
    this.random = random;
    this.stepNanos = initialNanos;
  }

  /** The next delay, in nanoseconds; grows the step for the call after. */
  long nextNanos() {
    long step = stepNanos;
    stepNanos = step > maxNanos / 2 ? maxNanos : step * 2;
    long half = step / 2;
    return half + random.nextLong(half + 1);
  }

  /** Starts over at the initial step after a success. */
  void reset() {
    stepNanos = initialNanos;
  }
}
