package io.auditrelay.boot.health;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many of the events the drain found tampered with an operator has acknowledged, so that health
 * shows the others until someone looks at them. Counts since start, as the Auditor does.
 * Thread-safe.
 */
public final class TamperedAcknowledgements {

  private final AtomicLong acknowledged = new AtomicLong();

  /** Acknowledges every event found tampered with so far ({@code found} of them). */
  public void acknowledge(long found) {
    acknowledged.accumulateAndGet(found, Math::max);
  }

  /** Of {@code found} events found tampered with, those nobody acknowledged yet. */
  public long unacknowledged(long found) {
    return Math.max(0, found - acknowledged.get());
  }
}
