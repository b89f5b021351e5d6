package io.auditrelay.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

/**
 * A clock that misbehaves the way real ones do: every reading is frozen (the same instant again),
 * steps back by up to a day, or jumps forward by up to a year, at random. Thread-safe.
 */
public final class SteppingClock extends Clock {

  private final SplittableRandom random;
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");

  public SteppingClock(long seed) {
    this.random = new SplittableRandom(seed);
  }

  @Override
  public synchronized Instant instant() {
    switch (random.nextInt(3)) {
      case 0 -> {} // frozen
      case 1 -> now = now.minus(Duration.ofSeconds(random.nextLong(86_400) + 1));
      default -> now = now.plus(Duration.ofSeconds(random.nextLong(365L * 86_400) + 1));
    }
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a test clock stays in UTC");
  }
}
