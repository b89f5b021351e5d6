package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Anchor lessons 4 and 5: the Go library retried stored events once a minute without backoff, and
 * dialled a black-holed broker for every event. Retries here back off exponentially with jitter, up
 * to a bound, and start over after a success.
 */
class BackoffTests {

  @Test
  void doublesItsStepUpToTheMaximumWithEachDelayBetweenHalfAndAllOfTheStep() {
    Backoff backoff =
        new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new SplittableRandom(7));
    long[] steps = {100, 200, 400, 800, 1000, 1000, 1000};
    for (long stepMillis : steps) {
      long step = Duration.ofMillis(stepMillis).toNanos();
      assertThat(backoff.nextNanos()).isBetween(step / 2, step);
    }
  }

  @Test
  void startsOverAfterASuccess() {
    Backoff backoff =
        new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), new SplittableRandom(7));
    for (int i = 0; i < 10; i++) {
      backoff.nextNanos();
    }
    backoff.reset();
    assertThat(backoff.nextNanos()).isBetween(50_000_000L, 100_000_000L);
  }

  @Test
  void spreadsReplicasThatFailedTogether() {
    List<Long> firstRetries = new ArrayList<>();
    for (int replica = 0; replica < 20; replica++) {
      Backoff backoff =
          new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(replica));
      firstRetries.add(backoff.nextNanos());
    }
    assertThat(firstRetries.stream().distinct().count()).isGreaterThan(15);
  }
}
