package io.auditrelay.boot.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.AuditorState;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.store.StoreStats;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class AuditHealthIndicatorTests {

  private static Health health(@Nullable String deliveryProblem) {
    AuditorState state =
        new AuditorState(
            DeliveryMode.BUFFER_ON_FAILURE,
            "memory",
            new StoreStats(0, 0, null, 0, 0),
            0,
            true,
            false,
            false,
            deliveryProblem);
    Auditor auditor =
        new Auditor() {
          @Override
          public CompletableFuture<Void> record(CadfEvent event) {
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public Optional<AuditorState> state() {
            return Optional.of(state);
          }

          @Override
          public void close() {}
        };
    return new AuditHealthIndicator(auditor, Clock.systemUTC()).health(true);
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
}
