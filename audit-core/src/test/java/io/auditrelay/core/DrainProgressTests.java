package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.testsupport.LogCapture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The INFO lines of a draining backlog, on a clock the test moves. */
class DrainProgressTests {

  private final AtomicLong now = new AtomicLong(1_000);
  private final DrainProgress progress = new DrainProgress("file", now::get);

  private void advanceSeconds(long seconds) {
    now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
  }

  private static long lines(LogCapture logs, String text) {
    return logs.lines().stream().filter(l -> l.contains(text)).count();
  }

  @Test
  void logsTheStartProgressAtMostEveryTenSecondsAndTheEndWithCountAndDuration() {
    try (LogCapture logs = new LogCapture()) {
      progress.begin(5000, "left by an earlier run");
      for (int batch = 0; batch < 50; batch++) {
        advanceSeconds(1); // one batch of 100 a second: 50 s in all
        long waiting = 5000 - 100L * (batch + 1);
        progress.delivered(100, () -> waiting);
      }
      progress.drainedAll();

      assertThat(logs.text())
          .contains(
              "INFO io.auditrelay.core.DrainProgress Draining 5000 audit event(s) from the file"
                  + " store (left by an earlier run)")
          .contains("Draining the file store: 1000 delivered, 4000 waiting (100 events/s)")
          .contains("Drained the file store: 5000 audit event(s) delivered in 50000 ms");
      assertThat(lines(logs, "Draining the file store:")).isEqualTo(5); // at 10, 20, 30, 40, 50 s
    }
  }

  @Test
  void saysNothingWithoutABacklogOrWhenNoneWasAnnounced() {
    try (LogCapture logs = new LogCapture()) {
      progress.begin(0, "the broker is back");
      progress.delivered(10, () -> 0);
      progress.drainedAll();

      assertThat(lines(logs, "DrainProgress")).isZero();
      assertThat(progress.active()).isFalse();
    }
  }

  @Test
  void aSecondAnnouncementWhileDrainingIsIgnored() {
    try (LogCapture logs = new LogCapture()) {
      progress.begin(10, "left by an earlier run");
      progress.begin(8, "the broker is back");
      progress.delivered(10, () -> 0);
      progress.drainedAll();

      assertThat(lines(logs, "Draining ")).isEqualTo(1);
      assertThat(logs.text()).contains("10 audit event(s) delivered");
    }
  }
}
