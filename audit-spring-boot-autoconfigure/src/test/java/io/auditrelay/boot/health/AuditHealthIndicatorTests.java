package io.auditrelay.boot.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.core.AuditFuture;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.AuditorState;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.store.StoreStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class AuditHealthIndicatorTests {

  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  private static Health health(@Nullable String deliveryProblem) {
    return health(
        deliveryProblem, new StoreStats(0, 0, null, 0, 0), AuditHealthIndicator.Thresholds.NONE);
  }

  private static Health health(
      @Nullable String deliveryProblem,
      StoreStats stats,
      AuditHealthIndicator.Thresholds thresholds) {
    AuditorState state =
        new AuditorState(
            DeliveryMode.BUFFER_ON_FAILURE,
            "memory",
            stats,
            0,
            true,
            false,
            false,
            deliveryProblem);
    Auditor auditor =
        new Auditor() {
          @Override
          public AuditFuture record(CadfEvent event) {
            return AuditFuture.durable("e");
          }

          @Override
          public Optional<AuditorState> state() {
            return Optional.of(state);
          }

          @Override
          public void close() {}
        };
    return new AuditHealthIndicator(auditor, Clock.fixed(NOW, ZoneOffset.UTC), thresholds)
        .health(true);
  }

  private static StoreStats backlog(long events, Duration oldest) {
    return new StoreStats(events, events * 100, NOW.minus(oldest), 0, 0);
  }

  @Test
  void isUpWhileTheDeliveryThreadDelivers() {
    Health health = health(null);
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).doesNotContainKey("deliveryProblem");
  }

  /** Fails on the code before: a delivery thread that had died left the health UP. */
  @Test
  void isDownWithTheReasonWhenTheDeliveryThreadDoesNotDeliver() {
    Health health = health("the delivery thread is not running");
    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails())
        .containsEntry("deliveryProblem", "the delivery thread is not running");
  }

  @Test
  void aBacklogOlderThanAllowedReportsTheThresholdStatusAndWhy() {
    AuditHealthIndicator.Thresholds thresholds =
        new AuditHealthIndicator.Thresholds(Duration.ofMinutes(5), null, Status.OUT_OF_SERVICE);

    Health young = health(null, backlog(10, Duration.ofMinutes(4)), thresholds);
    Health old = health(null, backlog(10, Duration.ofSeconds(301)), thresholds);

    assertThat(young.getStatus()).isEqualTo(Status.UP);
    assertThat(young.getDetails()).doesNotContainKey("thresholdExceeded");
    assertThat(old.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    assertThat(old.getDetails())
        .containsEntry("thresholdExceeded", "oldest buffered event is 301 s old, more than 300 s");
  }

  @Test
  void aBacklogLargerThanAllowedReportsTheThresholdStatus() {
    AuditHealthIndicator.Thresholds thresholds =
        new AuditHealthIndicator.Thresholds(null, 1000L, Status.DOWN);

    assertThat(health(null, backlog(1000, Duration.ofHours(1)), thresholds).getStatus())
        .isEqualTo(Status.UP);
    Health large = health(null, backlog(1001, Duration.ofSeconds(1)), thresholds);
    assertThat(large.getStatus()).isEqualTo(Status.DOWN);
    assertThat(large.getDetails())
        .containsEntry("thresholdExceeded", "1001 events buffered, more than 1000");
  }

  @Test
  void aFailingDeliveryStaysDownWhateverTheThresholdStatus() {
    AuditHealthIndicator.Thresholds thresholds =
        new AuditHealthIndicator.Thresholds(Duration.ofSeconds(1), null, Status.OUT_OF_SERVICE);

    assertThat(health("broken", backlog(5, Duration.ofMinutes(1)), thresholds).getStatus())
        .isEqualTo(Status.DOWN);
  }
}
